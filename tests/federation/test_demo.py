"""The three-nation demo (demo/three_nations.py) against the build's binary: it exits 0,
its screen fits one screen, and what it observed on the nodes is what the sharing rules
say — checked here on the observed objects it reports, not on its own verdict."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

from fedharness import BIN

DEMO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "demo",
                    "three_nations.py")
NODES = ("cert-fr", "cert-de", "ee-isac")


class ThreeNationDemo(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with tempfile.TemporaryDirectory(prefix="entente-demo-test-") as tmp:
            path = os.path.join(tmp, "outcome.json")
            cls.run_ = subprocess.run([sys.executable, DEMO, "--bin", BIN, "--json", path],
                                      capture_output=True, text=True, timeout=240)
            cls.outcome = None
            if os.path.exists(path):
                with open(path) as f:
                    cls.outcome = json.load(f)

    def setUp(self):
        self.assertIsNotNone(self.outcome, self.run_.stdout + self.run_.stderr)
        self.objects = self.outcome["objects"]

    def state(self, name, node):
        return self.objects[name]["cells"][node]["state"]

    def held_by(self, name):
        return {n for n in NODES if self.state(name, n) in ("published", "arrived")}

    def test_exit_status_and_one_screen(self):
        self.assertEqual(self.run_.returncode, 0, self.run_.stdout + self.run_.stderr)
        self.assertTrue(self.outcome["ok"], self.outcome["problems"])
        lines = self.run_.stdout.splitlines()
        self.assertLessEqual(len(lines), 40, self.run_.stdout)
        self.assertLessEqual(max(len(l) for l in lines), 100, self.run_.stdout)
        self.assertIn("OK: every node holds exactly what the rules allow", self.run_.stdout)
        self.assertEqual(self.run_.stderr, "")

    def test_tlp_rows(self):
        self.assertEqual(self.held_by("phish-domain"), set(NODES))       # CLEAR
        self.assertEqual(self.held_by("botnet-c2"), set(NODES))
        self.assertEqual(self.held_by("vpn-exploit"), {"cert-fr", "cert-de"})  # GREEN eu-csirts
        self.assertEqual(self.held_by("scada-scan"), {"ee-isac", "cert-fr"})   # GREEN eu-energy
        self.assertEqual(self.held_by("grid-c2"), {"cert-fr", "ee-isac"})      # AMBER
        self.assertEqual(self.held_by("ministry-ioc"), {"cert-fr", "cert-de"})  # AMBER+STRICT
        self.assertEqual(self.held_by("ot-advisory"), {"cert-de", "ee-isac"})
        self.assertEqual(self.held_by("informant"), {"cert-fr"})               # RED

    def test_withheld_reasons_come_from_the_gate(self):
        cells = self.objects["informant"]["cells"]
        for node in ("cert-de", "ee-isac"):
            self.assertIsNone(cells[node]["observed"])
            self.assertIn("RED", cells[node]["reason"])
        self.assertIn("no named recipient lives on cert-de",
                      self.objects["grid-c2"]["cells"]["cert-de"]["reason"])
        self.assertIn("sovereignty", self.objects["victim-email"]["cells"]["ee-isac"]["reason"])
        self.assertIn("sovereignty", self.objects["victim-account"]["cells"]["cert-de"]["reason"])
        self.assertIn("[1] ", self.run_.stdout)

    def test_personal_data_is_hashed_or_redacted(self):
        email = self.objects["victim-email"]
        got = email["cells"]["cert-de"]["observed"]
        self.assertTrue(got["value"].startswith("hmac-sha256:"), got)
        self.assertNotEqual(got["id"], email["id"])
        self.assertEqual(email["cells"]["ee-isac"]["state"], "withheld")
        account = self.objects["victim-account"]
        got = account["cells"]["ee-isac"]["observed"]
        self.assertNotIn("display_name", got)
        self.assertTrue(got["user_id"].startswith("hmac-sha256:"), got)
        self.assertEqual(account["cells"]["cert-de"]["state"], "withheld")
        everything = json.dumps([c.get("observed") for o in self.objects.values()
                                 for c in o["cells"].values()])
        for secret in ("jeanne.martin@example.org", "Jeanne Martin", '"jmartin"'):
            self.assertNotIn(secret, everything)

    def test_receiving_node_enforces_amber_versus_strict_for_its_members(self):
        self.assertIs(self.objects["grid-c2"]["grid-op_reads"], True)       # AMBER: clients too
        self.assertIs(self.objects["ot-advisory"]["grid-op_reads"], False)  # STRICT: not


if __name__ == "__main__":
    unittest.main()
