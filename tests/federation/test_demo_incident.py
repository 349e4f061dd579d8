"""The incident-coordination demo (demo/incident_coordination.py, issue 15's "documented
three-node scenario, run by one command and by the test suite") against the build's
binary: it exits 0, every step reports ok, and the outcome it observed on the three nodes
is checked here again from its JSON, not taken from its own verdict:

- "a company in one country reports an incident to its national CSIRT": grid-op's intake
  POST got 202 with a ticket and status URL, and its poll says `case` once linked;
- "the CSIRT opens a case (RSIT-classified, NIS2 clocks running)": the case read back has
  its RSIT class and the three NIS2 clocks;
- "sends each a hotline request; one acknowledges in time, the other does not and the
  request escalates": cert-de's request acknowledged in time, cert-nl's escalated to the
  24/7 desk (seen on both nodes) and acknowledged late;
- "all three see each other's state on the case": `case show` on each node lists the same
  three states;
- "exactly what TLP allows of its contents": the AMBER+STRICT sample reaches cert-fr and
  cert-de only, never the client grid-op nor cert-nl's node; the case's description,
  marked AMBER+STRICT by a granular marking, is read by the three CERTs, not by grid-op.
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

from fedharness import BIN

DEMO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "demo",
                    "incident_coordination.py")
STEPS = ["contacts", "intake", "case", "invite", "strict", "hotline-de", "hotline-nl",
         "hotline-ack", "states", "reads"]


class IncidentCoordinationDemo(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with tempfile.TemporaryDirectory(prefix="entente-demo-incident-test-") as tmp:
            path = os.path.join(tmp, "outcome.json")
            cls.run_ = subprocess.run([sys.executable, DEMO, "--bin", BIN, "--json", path],
                                      capture_output=True, text=True, timeout=240)
            cls.doc = None
            if os.path.exists(path):
                with open(path) as f:
                    cls.doc = json.load(f)

    def setUp(self):
        self.assertIsNotNone(self.doc, self.run_.stdout + self.run_.stderr)
        self.out = self.doc["outcome"]
        self.ids = self.doc["identities"]

    def test_exit_status_and_every_step_ok(self):
        self.assertEqual(self.run_.returncode, 0, self.run_.stdout + self.run_.stderr)
        self.assertTrue(self.doc["ok"], self.doc["problems"])
        self.assertEqual([s["step"] for s in self.doc["steps"]], STEPS)
        self.assertTrue(all(s["ok"] for s in self.doc["steps"]), self.doc["steps"])
        self.assertIn("OK: every step happened", self.run_.stdout)
        self.assertEqual(self.run_.stderr, "")
        self.assertLessEqual(max(len(l) for l in self.run_.stdout.splitlines()), 100)

    def test_intake_ticket_and_its_status(self):
        ack = self.out["intake"]["ack"]
        self.assertEqual(ack["ticket"], self.doc["ticket"])
        self.assertEqual(ack["status_url"], "/api/x-entente/intake/%s/" % ack["ticket"])
        self.assertEqual(ack["rsit_class"], "malicious-code")
        self.assertEqual(self.out["intake"]["poll"]["status"], "open")

    def test_case_classified_with_nis2_clocks(self):
        case = self.out["case_opened"]
        self.assertEqual(case["id"], self.doc["case"])
        self.assertEqual((case["rsit_class"], case["rsit_type"]),
                         ("malicious-code", "infected-system"))
        self.assertEqual(case["tlp"], "amber")
        self.assertEqual({k: v["status"] for k, v in case["nis2"].items()},
                         {"early-warning": "met", "incident-notification": "due",
                          "final-report": "waiting"})

    def test_hotline_in_time_and_escalated(self):
        de = self.out["hotline"]["cert-de"]
        self.assertEqual(de["cert-fr"]["phase"], "acknowledged")
        self.assertTrue(de["cert-fr"]["ack_in_time"])
        self.assertEqual([s["what"] for s in de["cert-de"]["steps"]],
                         ["sent", "delivered", "acknowledged"])
        nl = self.out["hotline"]["cert-nl"]
        for side in ("cert-fr", "cert-nl"):
            self.assertEqual([s["what"] for s in nl[side]["steps"]],
                             ["sent", "delivered", "escalated", "acknowledged"], side)
            self.assertEqual(nl[side]["phase"], "acknowledged")
            self.assertFalse(nl[side]["ack_in_time"])
        esc = [s for s in nl["cert-fr"]["steps"] if s["what"] == "escalated"][0]
        ack = [s for s in nl["cert-fr"]["steps"] if s["what"] == "acknowledged"][0]
        self.assertEqual(esc["contact"], ack["contact"])  # the 24/7 desk answered
        self.assertEqual(ack["by"], self.ids["cert-nl"])

    def test_everyone_sees_everyones_state(self):
        want = {self.ids["cert-fr"]: "investigating", self.ids["cert-de"]: "investigating",
                self.ids["cert-nl"]: "acknowledged"}
        views = self.out["case_show"]
        self.assertEqual(sorted(views), ["cert-de@cert-de", "cert-fr@cert-fr",
                                         "cert-nl@cert-nl", "grid-op@cert-fr"])
        for who, s in views.items():
            self.assertEqual({p["identity"]: p["state"] for p in s["participants"]}, want, who)

    def test_tlp_reads(self):
        reads = {org: set(v["reads"]) for org, v in self.out["taxii"].items()}
        strict = "sample indicator (AMBER+STRICT, cert-de)"
        self.assertIn(strict, reads["cert-fr"])
        self.assertIn(strict, reads["cert-de"])
        self.assertNotIn(strict, reads["cert-nl"])
        self.assertEqual(reads["grid-op"], {"case", "C2 indicator (AMBER)"})
        self.assertNotIn("hotline request to cert-nl", reads["cert-de"])
        self.assertNotIn("hotline request to cert-de", reads["cert-nl"])
        # The case's description, a granular AMBER+STRICT part: the participants, not
        # their clients (docs/sharing-rules.md: AMBER+STRICT "the recipient organisations
        # named in its audience only").
        self.assertEqual(self.out["strict_description_read"],
                         {"cert-fr": True, "cert-de": True, "cert-nl": True, "grid-op": False})
        views = self.out["case_show"]
        self.assertEqual(len(views["cert-de@cert-de"]["attached"]), 2)
        self.assertEqual(len(views["cert-nl@cert-nl"]["attached"]), 1)
        self.assertEqual(views["grid-op@cert-fr"]["attached"],
                         views["cert-nl@cert-nl"]["attached"])


if __name__ == "__main__":
    unittest.main()
