"""Cases (issue 15: "Open a case", "Invite other organisations", "Meet legal deadlines"),
driven through the real `entente case` commands and the TAXII server.

- A case is a STIX 2.1 `incident` with the OASIS Incident Core Extension
  (extension-definition--ef765651-680c-498d-9894-99799f2fa126), classified with the ENISA
  RSIT: "class mandatory, type where known; an unknown class is refused with the list of
  valid ones".
- "Each participant ... keeps its own state on it (invited, acknowledged, investigating,
  contained, closed) with its own timeline; everyone entitled sees everyone's state",
  and "a participant can only change its own state and what it created".
- NIS2 Art. 23(4): early warning within 24 h and incident notification within 72 h of
  becoming aware, final report one month after the notification; "what is due, overdue
  and met is visible and survives restarts".
- "Each participant sees exactly the parts the policy gate allows": over TAXII, an
  organisation not invited to a TLP:AMBER case reads nothing of it.
"""
import json
import os
import signal
import unittest

import harness
from harness import AUDIENCE_EXT, TLP

INCIDENT_CORE = "extension-definition--ef765651-680c-498d-9894-99799f2fa126"
CASE_EXT = "extension-definition--3b8a6e2c-4f0d-4f7e-9d5a-6c1e2b7a9f01"
AWARE = "2026-06-01T10:00:00Z"


class CaseTest(harness.NodeTest):
    def setUp(self):
        super().setUp()
        n = self.node
        self.ids = {org: n.add_org(org) for org in ("csirt", "peer", "other")}
        self.coll = n.collection("cases", read=("csirt", "peer", "other"),
                                 write=("csirt", "peer", "other"))

    def case(self, *args):
        return self.node.cli("case", *args[:1], "--collection", self.coll, *args[1:])

    def case_ok(self, *args):
        r = self.case(*args)
        self.assertEqual(r.returncode, 0, "entente case %s: %s %s" % (args, r.stdout, r.stderr))
        return r.stdout.strip()

    def open_case(self, *extra):
        return self.case_ok("open", "--as", "csirt", "--name", "ransomware at a hospital",
                            "--rsit-class", "malicious-code", "--rsit-type", "infected-system",
                            *extra)

    def show(self, case_id, *extra):
        return json.loads(self.case_ok("show", case_id, "--json", *extra))

    def export(self, as_org=None):
        args = ["export", "--collection", self.coll]
        if as_org:
            args += ["--as", as_org]
        return {o["id"]: o for o in json.loads(self.node.ok(*args)).get("objects", [])}

    # -- classification ------------------------------------------------------------
    def test_unknown_rsit_class_is_refused_with_the_list(self):
        r = self.case("open", "--as", "csirt", "--name", "x", "--rsit-class", "malware")
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown RSIT class 'malware'", r.stderr)
        for valid in ("malicious-code", "intrusion-attempts", "availability", "fraud", "test"):
            self.assertIn(valid, r.stderr)
        # A type of another class is refused too, naming the class's types.
        r = self.case("open", "--as", "csirt", "--name", "x", "--rsit-class", "fraud",
                      "--rsit-type", "c2-server")
        self.assertEqual(r.returncode, 2)
        self.assertIn("phishing", r.stderr)
        # The class is mandatory.
        r = self.case("open", "--as", "csirt", "--name", "x")
        self.assertEqual(r.returncode, 2)
        self.assertEqual(self.export(), {})

    def test_a_case_is_an_incident_with_the_incident_core_extension(self):
        case_id = self.open_case("--external-impact", "national-security,foreign-relations",
                                 "--criticality", "80", "--determination", "confirmed",
                                 "--status", "open")
        # A task (the suite's Task SDO), listed in the Incident Core Extension's `tasks`.
        task_id = self.case_ok("task", case_id, "--as", "csirt", "--name", "isolate hosts",
                               "--type", "containment", "--priority", "70")
        self.case_ok("task", case_id, "--as", "csirt", "--id", task_id, "--outcome",
                     "successful")
        self.assertEqual(self.case("task", case_id, "--as", "csirt", "--id", task_id,
                                   "--outcome", "done").returncode, 2)
        self.assertEqual(self.show(case_id)["tasks"],
                         [{"id": task_id, "name": "isolate hosts", "outcome": "successful",
                           "priority": 70}])
        objects = self.export()
        inc = objects[case_id]
        self.assertEqual(inc["extensions"][INCIDENT_CORE]["tasks"], [{"task_ref": task_id}])
        self.assertEqual(objects[task_id]["type"], "task")
        self.assertEqual(inc["type"], "incident")
        self.assertEqual(inc["labels"], ['rsit:malicious-code="infected-system"'])
        core = inc["extensions"][INCIDENT_CORE]
        self.assertEqual(core["extension_type"], "property-extension")
        self.assertEqual((core["determination"], core["investigation_status"],
                          core["criticality"]), ("confirmed", "open", 80))
        self.assertEqual(inc["extensions"][CASE_EXT]["rsit_class"], "malicious-code")
        self.assertEqual(inc["object_marking_refs"], [TLP["amber"]])
        # External impacts: impact SDOs of the suite, impact_category "external".
        impacts = [objects[i] for i in core["impact_refs"]]
        self.assertEqual(sorted(i["impact_type"] for i in impacts),
                         ["foreign-relations", "national-security"])
        self.assertTrue(all(i["impact_category"] == "external" for i in impacts))
        # Everything stored is valid STIX 2.1 (entente validate).
        path = os.path.join(self.tmp, "case.json")
        with open(path, "w") as f:
            json.dump({"type": "bundle", "id": "bundle--0a000000-0000-4000-8000-000000000001",
                       "objects": list(objects.values())}, f)
        self.node.ok("validate", path)
        # Unknown vocabulary values are refused.
        r = self.case("open", "--as", "csirt", "--name", "x", "--rsit-class", "fraud",
                      "--external-impact", "alien-invasion")
        self.assertEqual(r.returncode, 2)
        self.assertIn("national-security", r.stderr)

    # -- participants --------------------------------------------------------------
    def test_each_participant_keeps_its_own_state_seen_by_all(self):
        case_id = self.open_case()
        # Not yet invited: the peer can neither see nor act (and is not told the case
        # exists).
        r = self.case("state", case_id, "acknowledged", "--as", "peer")
        self.assertEqual(r.returncode, 1)
        self.assertIn("no case", r.stderr)
        self.case_ok("invite", case_id, "peer", "--as", "csirt")
        self.assertEqual(self.show(case_id, "--as", "peer")["participants"][1]["state"],
                         "invited")
        self.case_ok("state", case_id, "acknowledged", "--as", "peer", "--note", "on it")
        self.case_ok("state", case_id, "investigating", "--as", "peer")
        self.case_ok("state", case_id, "investigating", "--as", "csirt")
        for reader in ("csirt", "peer"):
            s = self.show(case_id, "--as", reader)
            states = {p["identity"]: p for p in s["participants"]}
            peer = states[self.ids["peer"]]
            self.assertEqual(peer["state"], "investigating")
            self.assertEqual([t["state"] for t in peer["timeline"]],
                             ["acknowledged", "investigating"])
            self.assertEqual(peer["timeline"][0]["text"], "on it")
            self.assertEqual(states[self.ids["csirt"]]["state"], "investigating")
        # Only the creator invites; an uninvited organisation may not write a state.
        r = self.case("invite", case_id, "other", "--as", "peer")
        self.assertEqual(r.returncode, 1)
        r = self.case("state", case_id, "closed", "--as", "other")
        self.assertEqual(r.returncode, 1)
        # "invited" is not a state anybody writes.
        self.assertEqual(self.case("state", case_id, "invited", "--as", "peer").returncode, 2)
        # A typo in --invite opens nothing.
        r = self.case("open", "--as", "csirt", "--name", "y", "--rsit-class", "fraud",
                      "--invite", "peer,nobody")
        self.assertEqual(r.returncode, 2)
        self.assertIn("'nobody'", r.stderr)
        self.assertEqual(len(json.loads(self.case_ok("list", "--json"))), 1)
        # A token's holder sees what its organisation sees.
        self.node.token("peer")
        token_id = self.node.ok("token", "list", "--org", "peer").splitlines()[-1].split()[0]
        self.assertEqual(self.show(case_id, "--token", token_id)["participants"],
                         self.show(case_id, "--as", "peer")["participants"])

    def test_nobody_writes_another_participants_state(self):
        case_id = self.open_case("--invite", "peer,other")
        note_id = self.case_ok("state", case_id, "acknowledged", "--as", "peer")
        note = self.export()[note_id]
        # A new version of the peer's note, written by "other": ownership refuses it (STIX
        # 2.1 section 3.6, only the creator issues versions), and created_by_ref naming
        # the peer is a forged creator.
        forged = dict(note, modified="2030-01-01T00:00:00.000Z")
        forged["extensions"] = json.loads(json.dumps(note["extensions"]))
        forged["extensions"][CASE_EXT]["state"] = "closed"
        path = os.path.join(self.tmp, "forged.json")
        with open(path, "w") as f:
            json.dump(forged, f)
        r = self.node.cli("ingest", "--collection", self.coll, "--as", "other", path)
        self.assertEqual(r.returncode, 1)
        self.assertIn("forged-creator", r.stderr)
        forged["created_by_ref"] = self.ids["other"]
        with open(path, "w") as f:
            json.dump(forged, f)
        r = self.node.cli("ingest", "--collection", self.coll, "--as", "other", path)
        self.assertEqual(r.returncode, 1)
        self.assertIn("not owner 1", r.stdout)
        # A note of its own that claims to be the peer's state is stored (it is valid
        # STIX) but ignored: a state is only its participant's own word.
        squat = dict(forged, id="note--7d000000-0000-4000-8000-000000000001",
                     created="2030-01-01T00:00:00.000Z")
        with open(path, "w") as f:
            json.dump(squat, f)
        self.node.ok("ingest", "--collection", self.coll, "--as", "other", path)
        s = self.show(case_id, "--as", "csirt")
        peer = [p for p in s["participants"] if p["identity"] == self.ids["peer"]][0]
        self.assertEqual(peer["state"], "acknowledged")
        self.assertEqual(len(s["ignored"]), 1)
        self.assertIn("note--7d000000", s["ignored"][0])
        self.assertIn("created_by_ref", s["ignored"][0])

    # -- NIS2 clocks ---------------------------------------------------------------
    def test_nis2_clocks_due_overdue_met_and_after_restart(self):
        case_id = self.open_case("--nis2-aware", AWARE, "--invite", "peer")
        # 30 hours after awareness: early warning overdue (24 h), notification due (72 h).
        s = self.show(case_id, "--now", "2026-06-02T16:00:00Z")
        self.assertEqual(s["nis2"]["early-warning"],
                         {"due": "2026-06-02T10:00:00.000Z", "status": "overdue"})
        self.assertEqual(s["nis2"]["incident-notification"]["status"], "due")
        self.assertEqual(s["nis2"]["final-report"]["status"], "waiting")
        self.case_ok("report", case_id, "early-warning", "--as", "csirt", "--at",
                     "2026-06-02T16:00:00Z")
        self.case_ok("report", case_id, "incident-notification", "--as", "csirt", "--at",
                     "2026-06-03T09:30:00Z")
        # Only the organisation that opened the case records its reports.
        r = self.case("report", case_id, "final-report", "--as", "peer")
        self.assertEqual(r.returncode, 1)
        # The final report: one month after the notification (Regulation 1182/71: the
        # end of 2026-07-03, UTC).
        expect = {"early-warning": {"due": "2026-06-02T10:00:00.000Z", "status": "late",
                                    "submitted": "2026-06-02T16:00:00.000Z"},
                  "incident-notification": {"due": "2026-06-04T10:00:00.000Z",
                                            "status": "met",
                                            "submitted": "2026-06-03T09:30:00.000Z"},
                  "final-report": {"due": "2026-07-04T00:00:00.000Z", "status": "due"}}
        self.assertEqual(self.show(case_id, "--now", "2026-06-20T00:00:00Z")["nis2"], expect)
        # The participant sees the same clocks (the reports are shared with it).
        self.assertEqual(self.show(case_id, "--as", "peer", "--now",
                                   "2026-06-20T00:00:00Z")["nis2"], expect)
        late = self.show(case_id, "--now", "2026-07-04T00:00:00Z")["nis2"]["final-report"]
        self.assertEqual(late["status"], "overdue")
        # A server killed with SIGKILL while running, then started again: the clocks are
        # computed from the stored objects, so nothing changes.
        self.node.start()
        self.node.kill(signal.SIGKILL)
        self.node.start()
        self.assertEqual(self.show(case_id, "--now", "2026-06-20T00:00:00Z")["nis2"], expect)
        self.node.kill()
        # Times in the viewer's zone too; an unknown zone is refused.
        text = self.case_ok("show", case_id, "--tz", "Asia/Tokyo", "--now",
                            "2026-06-20T00:00:00Z")
        self.assertIn("2026-06-02T10:00:00Z (2026-06-02 19:00:00 JST)", text)
        r = self.case("show", case_id, "--tz", "Mars/Olympus")
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown time zone", r.stderr)

    # -- what another organisation reads -------------------------------------------
    def test_taxii_readers_see_only_what_tlp_allows(self):
        amber = self.open_case("--invite", "peer", "--external-impact", "national-security")
        self.case_ok("state", amber, "acknowledged", "--as", "peer")
        clear = self.case_ok("open", "--as", "csirt", "--name", "public outage",
                             "--rsit-class", "availability", "--tlp", "clear")
        n = self.node
        tokens = {org: n.token(org) for org in ("peer", "other")}
        n.start()

        def ids(org):
            r = n.request("GET", "/api/collections/%s/objects/" % self.coll,
                          token=tokens[org])
            self.assertEqual(r.status, 200)
            return {o["id"]: o for o in r.json().get("objects", [])}

        peer, other = ids("peer"), ids("other")
        self.assertIn(amber, peer)
        self.assertTrue(any(o["type"] == "note" for o in peer.values()))
        self.assertTrue(any(o["type"] == "impact" for o in peer.values()))
        # Not invited: nothing of the AMBER case, neither the incident, its impact nor
        # the states; the CLEAR case it reads.
        self.assertNotIn(amber, other)
        self.assertEqual(sorted(o["type"] for o in other.values()), ["incident"])
        self.assertIn(clear, other)
        r = n.request("GET", "/api/collections/%s/objects/%s/" % (self.coll, amber),
                      token=tokens["other"])
        self.assertEqual(r.status, 404)
        # The CLI answers the same for --as.
        self.assertEqual(self.case("show", amber, "--as", "other").returncode, 1)
        listed = json.loads(self.case_ok("list", "--as", "other", "--json"))
        self.assertEqual([c["id"] for c in listed], [clear])
        self.assertEqual(self.show(clear, "--as", "other")["tlp"], "clear")


if __name__ == "__main__":
    unittest.main()
