"""Routed intake reports forwarded to the organisation they are routed to (issue 15), through
the real `entente` binary.

Issue 15: reports are "routed by documented rules (sector, country, RSIT class) to the
responsible organisation or peer node"; the hotline sends "a message to a point of contact
with a required acknowledgement and a deadline"; "timers and queues survive a kill -9 at any
instant". docs/cases.md, "Intake" / "Forwarding": a report routed to an organisation is
forwarded as a hotline message from the forwarding organisation to the target's first
contact, TLP:AMBER to the two of them (AMBER+STRICT when the report is), never wider than
the report's marking; a TLP:RED report is never forwarded and its ticket says so. The
peer-node half is tests/federation/test_intake_forward.py.
"""
import json
import os
import time

import harness

HOTLINE_EXT = "extension-definition--7d2c9b4e-1a6f-4c3b-8e0d-5f9a2c6b3e02"
WAIT = 60


class IntakeForwardTest(harness.NodeTest):
    def setUp(self):
        super().setUp()
        n = self.node
        n.ok("org", "add", "acme", "--name", "Acme", "--country", "FR", "--sector", "energy")
        self.energyc = n.ok("org", "add", "energyc", "--name", "Energy CERT", "--country", "FR")
        self.other = n.ok("org", "add", "other", "--name", "Other CERT", "--country", "FR")
        self.col = n.collection("hotline", read=("admin", "energyc", "other"),
                                write=("admin", "energyc", "other"), tlp="amber")
        self.duty = n.ok("contact", "publish", "--as", "energyc", "--collection", self.col,
                         "--name", "duty", "--24x7", "--email", "duty@energy.example")
        n.ok("intake", "route", "add", "energy-fr", "--sector", "energy", "--country", "FR",
             "--to", "org:energyc")

    def submit(self, **extra):
        body = {"description": "Turbines stopped", "rsit_class": "malware",
                "title": "Plant outage", "observables": [
                    {"type": "ipv4-addr", "value": "198.51.100.%d" % len(os.listdir(self.tmp))}]}
        body.update(extra)
        path = os.path.join(self.tmp, "report-%d.json" % len(os.listdir(self.tmp)))
        with open(path, "w") as f:
            json.dump(body, f)
        out = self.node.ok("intake", "submit", "--as", "acme", "--json", path)
        return json.loads(out)["ticket"]

    def show(self, ticket):
        return json.loads(self.node.ok("intake", "show", ticket, "--json"))

    def inbox(self, org):
        out = self.node.ok("hotline", "inbox", "--collection", self.col, "--as", org, "--json")
        return [json.loads(l) for l in out.splitlines() if l.strip()]

    def messages(self, as_org=None):
        """Every hotline message of the collection (all versions), as `as_org` may export
        them (the operator without it)."""
        args = ["export", "--collection", self.col, "--all-versions"]
        if as_org:
            args += ["--as", as_org]
        bundle = json.loads(self.node.ok(*args))
        return [o for o in bundle.get("objects", []) if o["type"] == "note" and
                o.get("extensions", {}).get(HOTLINE_EXT, {}).get("hotline_type") == "message"]

    def test_routed_to_a_local_organisation_it_sees_and_must_acknowledge_it(self):
        n = self.node
        ticket = self.submit()
        # Without a forward collection the decision is only recorded (and shown as pending).
        self.assertEqual(self.show(ticket)["forward"], {"state": "pending"})
        self.assertIn("intake forwarded 0", n.ok("hotline", "tick"))
        n.ok("intake", "route", "forward", "--collection", self.col, "--as", "admin",
             "--within", "1h")
        out = n.ok("hotline", "tick")
        self.assertIn("intake forwarded 1", out)
        fwd = self.show(ticket)["forward"]
        self.assertEqual(fwd["state"], "forwarded")
        self.assertEqual(fwd["to"], self.energyc)
        self.assertEqual(fwd["collection"], self.col)
        # The target organisation sees it in its inbox, with its required acknowledgement.
        inbox = self.inbox("energyc")
        self.assertEqual([m["id"] for m in inbox], [fwd["message"]])
        self.assertIn("Plant outage", inbox[0]["subject"])
        self.assertEqual(inbox[0]["contact"], self.duty)
        self.assertTrue(inbox[0]["delivered"])  # the same round recorded its delivery
        # AMBER, to the sender and the target only: another organisation sees nothing.
        [msg] = self.messages()
        self.assertEqual(msg["object_marking_refs"], [harness.TLP["amber"]])
        admin = [json.loads(l) for l in n.ok("org", "list", "--json").splitlines()
                 if json.loads(l)["id"] == "admin"][0]["identity_id"]
        self.assertEqual(sorted(msg["extensions"][harness.AUDIENCE_EXT]["recipients"]),
                         sorted([self.energyc, admin]))
        self.assertIn(ticket, msg["content"])
        self.assertIn("198.51.100.", msg["content"])
        self.assertEqual(self.inbox("other"), [])
        self.assertEqual(self.messages("other"), [])
        # The target acknowledges it like any hotline request.
        n.ok("hotline", "ack", fwd["message"], "--as", "energyc", "--collection", self.col)
        st = json.loads(n.ok("hotline", "status", fwd["message"], "--collection", self.col,
                             "--json"))
        self.assertEqual(st["phase"], "acknowledged")
        # Another round sends nothing again.
        self.assertIn("intake forwarded 0", n.ok("hotline", "tick"))
        self.assertEqual(len(self.messages()), 1)

    def test_red_report_is_not_forwarded_and_the_ticket_says_so(self):
        n = self.node
        n.ok("intake", "route", "forward", "--collection", self.col, "--as", "admin")
        red = self.submit(tlp="red")
        strict = self.submit(tlp="amber+strict", victim={"organisation": "Grid B"})
        out = n.ok("hotline", "tick")
        self.assertIn("intake forwarded 1, not forwarded 1", out)
        fwd = self.show(red)["forward"]
        self.assertEqual(fwd["state"], "withheld")
        self.assertIn("TLP:RED", fwd["reason"])
        self.assertNotIn("message", fwd)
        self.assertIn("TLP:RED", n.ok("intake", "show", red))
        # Only the AMBER+STRICT report left, marked AMBER+STRICT (never wider than it).
        msgs = self.messages()
        self.assertEqual([m["id"] for m in msgs], [self.show(strict)["forward"]["message"]])
        self.assertEqual(msgs[0]["object_marking_refs"], [harness.TLP["amber+strict"]])
        self.assertNotIn(red, msgs[0]["content"])
        self.assertEqual(len(self.inbox("energyc")), 1)

    def test_a_duplicate_follows_its_primary_and_a_missing_contact_waits(self):
        n = self.node
        n.ok("intake", "route", "add", "to-other", "--rsit-class", "fraud", "--to", "org:other",
             "--before", "energy-fr")
        n.ok("intake", "route", "forward", "--collection", self.col, "--as", "admin")
        waiting = self.submit(rsit_class="fraud")
        r = n.cli("hotline", "tick")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("waiting 1", r.stdout)
        self.assertIn("has no point of contact", r.stderr)
        self.assertEqual(self.show(waiting)["forward"], {"state": "pending"})
        # Once the organisation publishes a contact, the next round forwards it.
        n.ok("contact", "publish", "--as", "other", "--collection", self.col, "--name", "desk",
             "--24x7", "--phone", "+33 1")
        self.assertIn("intake forwarded 1", n.ok("hotline", "tick"))
        self.assertEqual(self.show(waiting)["forward"]["state"], "forwarded")
        # A report attached to an open ticket is not forwarded again.
        first = self.submit(observables=[{"type": "domain-name", "value": "bad.example"}])
        dup = self.submit(observables=[{"type": "domain-name", "value": "bad.example"}])
        self.assertEqual(self.show(dup).get("duplicate_of"), first)
        self.assertIn("intake forwarded 1, not forwarded 0, waiting 0", n.ok("hotline", "tick"))
        self.assertNotIn("forward", self.show(dup))

    def test_serve_forwards_on_its_own_and_a_kill_sends_nothing_twice(self):
        """kill -9 at an arbitrary instant of the forwarding rounds, then a restart: every
        ticket is forwarded exactly once (one message, one version), whatever the instant."""
        n = self.node
        n.ok("intake", "route", "forward", "--collection", self.col, "--as", "admin")
        tickets = [self.submit() for _ in range(40)]
        n.start(extra_args=["--hotline-interval", "1"])
        deadline = time.monotonic() + WAIT
        while not self.messages() and time.monotonic() < deadline:
            time.sleep(0.05)
        n.kill()
        n.start(extra_args=["--hotline-interval", "1"])
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            states = [self.show(t).get("forward", {}).get("state") for t in tickets]
            if states.count("forwarded") == len(tickets):
                break
            time.sleep(0.2)
        self.assertEqual(states.count("forwarded"), len(tickets), states)
        msgs = self.messages()
        ids = [m["id"] for m in msgs]
        self.assertEqual(len(ids), len(tickets))  # one version each
        self.assertEqual(sorted(ids), sorted(self.show(t)["forward"]["message"]
                                             for t in tickets))
        n.kill()
