"""Points of contact and the hotline (issue 15), driven through the real `entente` binary:
`entente contact ...`, `entente hotline ...`, and `entente serve` escalating on its own.

What the issue asks, and where each test checks it:
- "every organisation publishes its policy and technical contacts (24/7 or office hours,
  languages, the CSIRT services it offers) as STIX identities with contact information":
  test_directory_*;
- "send a message to a point of contact with a required acknowledgement and a deadline":
  test_ack_in_time_*;
- "if it is not acknowledged in time it escalates to the next contact, then to the
  organisation's 24/7 contact, and the sender sees each step": test_no_ack_escalates_*;
- "periodic ping tests ... acknowledgement rate and times are reported per organisation":
  test_pings_*;
- "every send, delivery, acknowledgement and escalation is recorded with its time and who
  did it": checked in every status below (each step has `at` and `by`);
- "a forged acknowledgement is refused": test_forged_ack_*;
- "timers ... survive a kill -9 at any instant": test_serve_escalates_*_kill.
"""
import json
import os
import signal
import time
import uuid

from harness import AUDIENCE_EXT, TLP, NodeTest

HOTLINE_EXT = "extension-definition--7d2c9b4e-1a6f-4c3b-8e0d-5f9a2c6b3e02"
CONTACT_EXT = "extension-definition--66e2492a-bbd3-4be6-88f5-cc91a017a498"
WAIT = 60  # seconds: the bound of every wait for a deadline to pass


class HotlineTest(NodeTest):
    def setUp(self):
        super().setUp()
        n = self.node
        self.fr = n.ok("org", "add", "cert-fr", "--name", "CERT-FR", "--country", "FR")
        self.de = n.ok("org", "add", "cert-de", "--name", "CERT-Bund", "--country", "DE")
        self.it = n.ok("org", "add", "cert-it", "--name", "CSIRT Italia", "--country", "IT")
        self.col = n.collection("hotline", read=("cert-fr", "cert-de", "cert-it"),
                                write=("cert-fr", "cert-de", "cert-it"), tlp="amber")
        self.duty = self.publish("cert-de", "duty", "--rank", "1", "--office-hours",
                                 "Mo-Fr 08:00-18:00", "--time-zone", "Europe/Berlin",
                                 "--language", "de,en", "--service", "incident-handling",
                                 "--email", "duty@cert-bund.example", "--phone", "+49 228 1")
        self.deputy = self.publish("cert-de", "deputy", "--rank", "2", "--office-hours",
                                   "Mo-Fr 08:00-18:00", "--language", "de",
                                   "--service", "vulnerability-coordination",
                                   "--email", "deputy@cert-bund.example")
        self.night = self.publish("cert-de", "night desk", "--24x7", "--language", "en",
                                  "--service", "incident-handling", "--phone", "+49 228 2")
        self.fr_duty = self.publish("cert-fr", "permanence", "--24x7", "--role", "policy",
                                    "--language", "fr,en", "--email", "cert@fr.example")

    def publish(self, org, name, *extra):
        return self.node.ok("contact", "publish", "--as", org, "--collection", self.col,
                            "--name", name, *extra)

    def send(self, *extra, org="cert-fr"):
        return self.node.ok("hotline", "send", "--as", org, "--collection", self.col, *extra)

    def status(self, message):
        return json.loads(self.node.ok("hotline", "status", message, "--collection", self.col,
                                       "--json"))

    def tick(self):
        return self.node.ok("hotline", "tick", "--collection", self.col)

    def wait_phase(self, message, phases, escalations=None):
        """Polls `hotline status` (bounded) until its phase is one of `phases` (and, when
        given, it shows `escalations` escalation steps)."""
        deadline = time.monotonic() + WAIT
        last = None
        while time.monotonic() < deadline:
            last = self.status(message)
            steps = [s for s in last["steps"] if s["what"] == "escalated"]
            if last["phase"] in phases and (escalations is None or len(steps) == escalations):
                return last
            time.sleep(0.1)
        self.fail("message %s never reached %s: %r" % (message, phases, last))

    # -- the directory --------------------------------------------------------------
    def test_directory_finds_a_counterpart_by_country_and_service(self):
        out = self.node.ok("contact", "list", "--collection", self.col, "--country", "DE",
                           "--service", "incident-handling", "--json")
        rows = [json.loads(l) for l in out.splitlines()]
        self.assertEqual([r["id"] for r in rows], [self.duty, self.night])
        duty = rows[0]
        self.assertEqual(duty["organization_ref"], self.de)
        self.assertEqual(duty["availability"], "office-hours")
        self.assertEqual(duty["office_hours"], "Mo-Fr 08:00-18:00")
        self.assertEqual(duty["languages"], ["de", "en"])
        self.assertEqual(duty["emails"], ["duty@cert-bund.example"])
        self.assertEqual(rows[1]["availability"], "24/7")
        out = self.node.ok("contact", "list", "--collection", self.col, "--24x7", "--language",
                           "fr", "--json")
        self.assertEqual([json.loads(l)["id"] for l in out.splitlines()], [self.fr_duty])

    def test_directory_entries_are_standard_identities(self):
        bundle = json.loads(self.node.ok("export", "--collection", self.col))
        ident = {o["id"]: o for o in bundle["objects"]}[self.duty]
        self.assertEqual(ident["type"], "identity")
        self.assertEqual(ident["created_by_ref"], self.de)
        # Identity Contact Information 1.0 §2.2: email_address_ref is a reference to an
        # email-addr object, which travels beside the identity.
        info = ident["extensions"][CONTACT_EXT]
        self.assertEqual(info["contact_numbers"][0]["contact_number_type"], "work-phone")
        ref = info["email_addresses"][0]["email_address_ref"]
        emails = [o for o in bundle["objects"] if o["id"] == ref]
        self.assertEqual(emails[0]["value"], "duty@cert-bund.example")
        self.assertEqual(ident["extensions"][HOTLINE_EXT]["organization_ref"], self.de)

    def test_directory_refuses_a_contact_nobody_can_reach(self):
        # Identity Contact Information 1.0 §1: at least one of contact_numbers,
        # email_addresses, social_media_accounts MUST be provided.
        r = self.node.cli("contact", "publish", "--as", "cert-it", "--collection", self.col,
                          "--name", "ghost", "--24x7")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("at least one phone or e-mail", r.stderr)

    def test_republishing_updates_the_same_contact(self):
        again = self.publish("cert-de", "duty", "--rank", "1", "--office-hours", "Mo-Fr 07-19",
                             "--email", "duty@cert-bund.example")
        self.assertEqual(again, self.duty)
        shown = json.loads(self.node.ok("contact", "show", self.duty, "--collection", self.col,
                                        "--json"))
        self.assertEqual(shown["office_hours"], "Mo-Fr 07-19")

    # -- a request acknowledged in time ---------------------------------------------
    def test_ack_in_time_is_recorded_with_who_and_when(self):
        m = self.send("--to", self.duty, "--subject", "Ransomware at a DE subsidiary",
                      "--within", "1h")
        self.assertIn("deliveries 1, escalations 0", self.tick())
        ack = self.node.ok("hotline", "ack", m, "--as", "cert-de", "--collection", self.col,
                           "--note", "handler assigned")
        self.assertTrue(ack.startswith("note--"))
        st = self.status(m)
        self.assertEqual(st["phase"], "acknowledged")
        self.assertTrue(st["ack_in_time"])
        self.assertEqual([s["what"] for s in st["steps"]], ["sent", "delivered", "acknowledged"])
        sent, delivered, acked = st["steps"]
        self.assertEqual(sent["by"], self.fr)
        self.assertEqual(sent["contact"], self.duty)
        self.assertEqual(delivered["by"], self.de)
        self.assertEqual(acked["by"], self.de)
        self.assertEqual(acked["contact"], self.duty)
        self.assertEqual(acked["detail"], "handler assigned")
        self.assertLessEqual(sent["at"], delivered["at"])
        self.assertLessEqual(delivered["at"], acked["at"])
        # Nothing escalates once acknowledged, however late the next tick.
        self.assertIn("escalations 0", self.tick())
        # The records are ordinary STIX notes, AMBER, for the two parties only.
        bundle = json.loads(self.node.ok("export", "--collection", self.col))
        note = {o["id"]: o for o in bundle["objects"]}[m]
        self.assertEqual(note["object_marking_refs"], [TLP["amber"]])
        self.assertEqual(sorted(note["extensions"][AUDIENCE_EXT]["recipients"]),
                         sorted([self.fr, self.de]))
        # cert-it, neither sender nor addressee, sees none of it.
        seen = json.loads(self.node.ok("export", "--collection", self.col, "--as", "cert-it"))
        self.assertEqual([o for o in seen.get("objects", []) if o["type"] == "note"], [])

    def test_a_node_sends_only_as_its_own_organisations(self):
        r = self.node.cli("hotline", "send", "--as", "cert-xx", "--collection", self.col,
                          "--to", self.duty, "--subject", "x", "--within", "1h")
        self.assertEqual(r.returncode, 1)
        self.assertIn("unknown organisation 'cert-xx'", r.stderr)

    # -- no acknowledgement: escalation -------------------------------------------
    def test_no_ack_escalates_to_the_next_contact_then_the_24x7_contact(self):
        m = self.send("--org", self.de, "--subject", "Who handles this?", "--within", "1s")
        st = self.status(m)
        self.assertEqual(st["contact"], self.duty)  # the organisation's first contact
        # The deadlines are stored: overdue is computed when read, before any tick.
        self.wait_phase(m, ("overdue",))
        self.tick()
        st = self.status(m)
        self.assertIn(st["contact"], (self.deputy, self.night))  # handed on
        # Tick until the chain is exhausted (each tick stores the steps due by then).
        deadline = time.monotonic() + WAIT
        while st["phase"] != "unanswered" and time.monotonic() < deadline:
            time.sleep(0.1)
            self.tick()
            st = self.status(m)
        self.assertEqual(st["phase"], "unanswered")
        esc = [s for s in st["steps"] if s["what"] == "escalated"]
        self.assertEqual([s["contact"] for s in esc], [self.deputy, self.night])
        self.assertEqual([s["by"] for s in esc], [self.fr, self.fr])
        sent = st["steps"][0]
        self.assertEqual(esc[0]["at"], sent["deadline"])
        self.assertEqual(esc[1]["at"], esc[0]["deadline"])
        self.assertEqual(st["contact"], self.night)
        # The sender sees each step in the text form too.
        text = self.node.ok("hotline", "status", m, "--collection", self.col, "--tz",
                            "Europe/Paris")
        self.assertIn("escalated", text)
        self.assertIn("(night desk)", text)
        self.assertTrue("CET)" in text or "CEST)" in text, text)
        r = self.node.cli("hotline", "status", m, "--collection", self.col, "--tz",
                          "Mars/Olympus_Mons")
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown time zone", r.stderr)
        # The addressee's inbox shows it with the 24/7 desk.
        inbox = [json.loads(l) for l in self.node.ok(
            "hotline", "inbox", "--collection", self.col, "--as", "cert-de", "--json")
            .splitlines()]
        self.assertEqual([(i["id"], i["contact"]) for i in inbox], [(m, self.night)])
        sent = [json.loads(l) for l in self.node.ok(
            "hotline", "inbox", "--collection", self.col, "--as", "cert-fr", "--sent", "--json")
            .splitlines()]
        self.assertEqual([(i["id"], i["phase"]) for i in sent], [(m, "unanswered")])
        self.assertEqual(self.node.ok("hotline", "inbox", "--collection", self.col, "--as",
                                      "cert-fr", "--json"), "")
        # A late acknowledgement still counts, as late.
        self.node.ok("hotline", "ack", m, "--as", "cert-de", "--collection", self.col)
        st = self.status(m)
        self.assertEqual(st["phase"], "acknowledged")
        self.assertFalse(st["ack_in_time"])
        self.assertEqual(st["steps"][-1]["contact"], self.night)

    # -- pings and stats -------------------------------------------------------------
    def test_pings_measure_each_contact_and_stats_report_them(self):
        out = self.node.ok("hotline", "ping", "--as", "cert-fr", "--collection", self.col,
                           "--org", self.de, "--within", "1h")
        pings = out.splitlines()
        self.assertEqual(len(pings), 3)  # one per contact of cert-de
        self.tick()
        by_contact = {self.status(p)["contact"]: p for p in pings}
        self.node.ok("hotline", "ack", by_contact[self.duty], "--as", "cert-de", "--collection",
                     self.col)
        self.node.ok("hotline", "ack", by_contact[self.night], "--as", "cert-de",
                     "--collection", self.col)
        rows = [json.loads(l) for l in self.node.ok(
            "hotline", "stats", "--collection", self.col, "--json").splitlines()]
        self.assertEqual({r["contact"]: (r["sent"], r["delivered"], r["acknowledged"],
                                         r["in_time"]) for r in rows},
                         {self.duty: (1, 1, 1, 1), self.deputy: (1, 1, 0, 0),
                          self.night: (1, 1, 1, 1)})
        for r in rows:
            self.assertEqual(r["organization"], self.de)
            self.assertEqual(r["kind"], "ping")
            if r["acknowledged"]:
                self.assertGreaterEqual(r["median_ack_seconds"], 0)
            else:
                self.assertNotIn("median_ack_seconds", r)
        text = self.node.ok("hotline", "stats", "--collection", self.col)
        self.assertIn("cert-de", text)

    # -- pings the node sends itself -------------------------------------------------
    def test_scheduled_pings_are_sent_by_serve_counted_and_never_doubled(self):
        """Issue 15: "Periodic ping tests (a message that must be acknowledged within N
        minutes) measure each contact's reachability". docs/cases.md, "Scheduled pings":
        one ping per schedule, contact and slot; its id derives from the three, so a
        restart (here a kill -9) never sends a slot's ping twice."""
        n = self.node
        n.ok("hotline", "schedule", "add", "fast", "--as", "cert-fr", "--collection", self.col,
             "--to", self.duty, "--every", "2s", "--within", "1h")
        n.ok("hotline", "schedule", "add", "hourly", "--as", "cert-fr", "--collection",
             self.col, "--org", self.de, "--role", "technical", "--every", "1h", "--within",
             "15m")
        bad = n.cli("hotline", "schedule", "add", "x", "--as", "cert-fr", "--collection",
                    self.col, "--to", self.duty, "--every", "soon", "--within", "1h")
        self.assertEqual(bad.returncode, 2)
        listed = json.loads(n.ok("hotline", "schedule", "list", "--json"))["schedules"]
        self.assertEqual([s["name"] for s in listed], ["fast", "hourly"])

        def pings(schedule):
            """(slot, id) of every ping message of the schedule, all versions."""
            objs = json.loads(n.ok("export", "--collection", self.col,
                                   "--all-versions"))["objects"]
            out = []
            for o in objs:
                ext = o.get("extensions", {}).get(HOTLINE_EXT, {})
                if o["type"] == "note" and ext.get("hotline_type") == "ping" and \
                        o["abstract"].startswith("Scheduled ping %s (slot " % schedule):
                    out.append((int(o["abstract"].split("(slot ")[1].split(")")[0]), o["id"]))
            return out

        def wait_fast(count):
            deadline = time.monotonic() + WAIT
            while len(pings("fast")) < count and time.monotonic() < deadline:
                time.sleep(0.2)
            self.assertGreaterEqual(len(pings("fast")), count)

        log = os.path.join(self.tmp, "serve.log")
        n.start(extra_args=["--hotline-interval", "1", "--no-federation"], log_path=log)
        wait_fast(2)
        n.kill(signal.SIGKILL)
        before = len(pings("fast"))
        n.start(extra_args=["--hotline-interval", "1", "--no-federation"], log_path=log)
        wait_fast(before + 1)  # a round after the restart ran (both schedules are in it)
        n.kill(signal.SIGKILL)
        fast, hourly = pings("fast"), pings("hourly")
        # Never two pings of one slot, and one message version per ping.
        self.assertEqual(len(fast), len({slot for slot, _ in fast}))
        self.assertEqual(len(fast), len({i for _, i in fast}))
        self.assertGreaterEqual(len(hourly), 1)
        # The technical contacts of cert-de (duty, deputy, night desk): one ping each a slot.
        self.assertEqual(len(hourly), len({(slot, i) for slot, i in hourly}))
        by_slot = {}
        for slot, i in hourly:
            by_slot.setdefault(slot, []).append(i)
        self.assertTrue(all(len(v) == 3 for v in by_slot.values()), by_slot)

        # Acknowledged ones are counted in the stats.
        acked = [i for _, i in fast][:2]
        for i in acked:
            n.ok("hotline", "ack", i, "--as", "cert-de", "--collection", self.col)
        rows = [json.loads(l) for l in n.ok("hotline", "stats", "--collection", self.col,
                                            "--json").splitlines()]
        duty = [r for r in rows if r.get("contact") == self.duty and r["kind"] == "ping"][0]
        self.assertEqual(duty["sent"], len(fast) + len(by_slot))
        self.assertEqual(duty["acknowledged"], 2)
        self.assertEqual(duty["in_time"], 2)
        with open(log) as f:
            self.assertIn("scheduled ping(s) sent", f.read())
        n.ok("hotline", "schedule", "remove", "fast")
        self.assertEqual([s["name"] for s in json.loads(
            n.ok("hotline", "schedule", "list", "--json"))["schedules"]], ["hourly"])

    # -- forged acknowledgements -----------------------------------------------------
    def test_forged_ack_is_refused_by_the_cli_and_ignored_over_taxii(self):
        m = self.send("--to", self.duty, "--subject", "x", "--within", "1h")
        # The sender cannot acknowledge its own message; a third party does not even see it.
        r = self.node.cli("hotline", "ack", m, "--as", "cert-fr", "--collection", self.col)
        self.assertEqual(r.returncode, 1)
        self.assertIn("not the addressee", r.stderr)
        r = self.node.cli("hotline", "ack", m, "--as", "cert-it", "--collection", self.col)
        self.assertEqual(r.returncode, 1)
        self.assertIn("no hotline message", r.stderr)
        self.node.start()
        token = self.node.token("cert-it")

        def ack(creator, note_id):
            return {"type": "note", "spec_version": "2.1", "id": note_id,
                    "created": "2026-01-01T00:00:00.000Z",
                    "modified": "2026-01-01T00:00:00.000Z", "created_by_ref": creator,
                    "content": "ack", "object_refs": [m],
                    "object_marking_refs": [TLP["amber"]],
                    "extensions": {
                        AUDIENCE_EXT: {"extension_type": "property-extension",
                                       "recipients": [self.fr, self.de]},
                        HOTLINE_EXT: {"extension_type": "property-extension",
                                      "hotline_type": "ack", "message_ref": m}}}

        path = "/api/collections/%s/objects/" % self.col
        # In cert-de's name: admission refuses it (forged-creator).
        forged = "note--" + str(uuid.uuid4())
        r = self.node.request("POST", path, token=token,
                              body={"objects": [ack(self.de, forged)]})
        self.assertEqual(r.status, 202, r)
        self.assertEqual(r.json()["failure_count"], 1)
        self.assertIn("forged-creator", r.json()["failures"][0]["message"])
        # In cert-it's own name: stored (it is valid STIX), but it is not the addressee's.
        own = "note--" + str(uuid.uuid4())
        r = self.node.request("POST", path, token=token, body={"objects": [ack(self.it, own)]})
        self.assertEqual(r.json()["success_count"], 1, r)
        # Claiming an organisation that lives on no node this one knows: stored, ignored.
        elsewhere = "identity--" + str(uuid.uuid4())
        r = self.node.request("POST", path, token=token,
                              body={"objects": [ack(elsewhere, "note--" + str(uuid.uuid4()))]})
        self.assertEqual(r.json()["success_count"], 1, r)
        st = self.status(m)
        self.assertFalse(st["acknowledged"])
        self.assertEqual(st["phase"], "waiting")
        ignored = [s for s in st["steps"] if s["what"] == "ignored"]
        self.assertEqual(sorted(s["by"] for s in ignored), sorted([self.it, elsewhere]))
        for s in ignored:
            self.assertIn("not by " + self.de, s["detail"])

    # -- escalation with nobody watching, through a kill -9 -------------------------
    def test_serve_escalates_on_its_own_and_a_kill_neither_loses_nor_doubles_a_step(self):
        log = os.path.join(self.tmp, "serve.log")
        self.node.start(extra_args=["--hotline-interval", "1", "--no-federation"],
                        log_path=log)
        m = self.send("--to", self.duty, "--subject", "x", "--within", "2s")
        self.wait_phase(m, ("waiting", "overdue"), escalations=1)
        self.node.kill(signal.SIGKILL)
        # While the node is down both remaining deadlines pass.
        deadline = time.monotonic() + WAIT
        while self.status(m)["phase"] == "waiting" and time.monotonic() < deadline:
            time.sleep(0.1)
        self.node.start(extra_args=["--hotline-interval", "1", "--no-federation"],
                        log_path=log)
        st = self.wait_phase(m, ("unanswered",), escalations=2)
        self.assertEqual([s["what"] for s in st["steps"]],
                         ["sent", "delivered", "escalated", "escalated"])
        # Each step is one stored object with one version, however often it was due.
        self.tick()
        versions = json.loads(self.node.ok("export", "--collection", self.col,
                                           "--all-versions"))["objects"]
        notes = [o for o in versions if o["type"] == "note"]
        kinds = sorted(o["extensions"][HOTLINE_EXT]["hotline_type"] for o in notes)
        self.assertEqual(kinds, ["delivery", "escalation", "escalation", "message"])
        with open(log) as f:
            self.assertIn("escalation(s) recorded", f.read())
