"""`entente warninglist` (issue 14, "Not be poisoned or flooded by false positives"): MISP
warninglists loaded into a node; an indicator whose value is on one is flagged at ingest
(a finding naming the list) and stored all the same; `entente warninglist
list|add|remove|override|unoverride|check`.

Driven through the real binary, with excerpts of four real MISP lists that ship with the
repository (src/pattern/index/testdata/warninglists/, CC0: see the README there).
"""
import json
import os
import re
import time
import unittest

import harness

LISTS = os.path.join(os.path.dirname(__file__), "..", "..", "src", "pattern", "index",
                     "testdata", "warninglists")
DNS = os.path.join(LISTS, "public-dns-v4.json")
AWS = os.path.join(LISTS, "amazon-aws.json")
TOP = os.path.join(LISTS, "cloudflare-top100k.json")
FP = os.path.join(LISTS, "ti-falsepositives.json")
DNS_NAME = "List of known IPv4 public DNS resolvers"
TOP_NAME = "Top 100,000 domains from Cloudflare Radar"


def load(path):
    with open(path) as f:
        return json.load(f)


def indicator(pattern, n=0):
    obj = harness.indicator(n)
    obj["pattern"] = pattern
    return obj


class WarninglistTest(harness.NodeTest):
    def setUp(self):
        super().setUp()
        self.node.add_org("pub")
        self.coll = self.node.collection("feed", read=["pub"], write=["pub"], tlp="clear")

    def write(self, name, content):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(content if isinstance(content, str) else json.dumps(content))
        return path

    def list_rows(self):
        out = self.node.ok("warninglist", "list")
        return out.splitlines()

    def test_add_list_check_remove_with_real_lists(self):
        out = self.node.ok("warninglist", "add", DNS, AWS, TOP, FP)
        self.assertEqual(len(out.splitlines()), 4, out)
        self.assertIn('added "%s" (cidr, %d entries)' % (DNS_NAME, len(load(DNS)["list"])), out)
        rows = self.list_rows()
        self.assertEqual(rows[0].split(), ["NAME", "TYPE", "ENTRIES", "VERSION", "DESCRIPTION"])
        for path in (DNS, AWS, TOP, FP):
            src = load(path)
            line = [r for r in rows if r.startswith(src["name"] + "  ")]
            self.assertEqual(len(line), 1, (src["name"], rows))
            fields = line[0][len(src["name"]):].split()
            self.assertEqual(fields[0], src["type"])
            self.assertEqual(int(fields[1]), len(src["list"]))
            self.assertEqual(int(fields[2]), src["version"])
            self.assertIn(src["description"][:30], line[0])
        # Lists live in the data folder, under names derived from theirs.
        files = os.listdir(os.path.join(self.node.dir, "warninglists", "lists"))
        self.assertEqual(len(files), 4)
        self.assertTrue(all(f.endswith(".json") and "/" not in f for f in files))

        # check: exit 0 with the lists, 1 with "on no warninglist".
        r = self.node.cli("warninglist", "check", "8.8.8.8")
        self.assertEqual((r.returncode, r.stdout.strip()), (0, DNS_NAME), r)
        r = self.node.cli("warninglist", "check", "1.178.17.3")  # in an AWS block
        self.assertEqual(r.returncode, 0, r)
        self.assertIn("Amazon AWS", r.stdout)
        r = self.node.cli("warninglist", "check", "GITHUB.com")
        self.assertEqual((r.returncode, r.stdout.strip()), (0, TOP_NAME), r)
        r = self.node.cli("warninglist", "check", "203.0.113.9")
        self.assertEqual(r.returncode, 1, r)
        self.assertIn("on no warninglist", r.stdout)
        r = self.node.cli("warninglist", "check", "--pattern",
                          "[ipv4-addr:value = '203.0.113.9'] OR [domain-name:value = 'github.com']")
        self.assertEqual(r.returncode, 0, r)
        self.assertEqual(r.stdout.strip(), "github.com\t" + TOP_NAME)
        r = self.node.cli("warninglist", "check", "--pattern", "[ipv4-addr:value = ")
        self.assertEqual(r.returncode, 2, r)

        # The same list again is refused unless --replace.
        r = self.node.cli("warninglist", "add", DNS)
        self.assertEqual(r.returncode, 1, r)
        self.assertIn("already installed", r.stderr)
        self.assertIn("--replace", r.stderr)
        smaller = load(DNS)
        smaller["list"] = ["9.9.9.9"]
        self.node.ok("warninglist", "add", "--replace", self.write("dns.json", smaller))
        self.assertEqual(self.node.cli("warninglist", "check", "8.8.8.8").returncode, 1)
        self.assertEqual(self.node.cli("warninglist", "check", "9.9.9.9").returncode, 0)

        # remove by name.
        self.assertIn('removed "%s"' % DNS_NAME, self.node.ok("warninglist", "remove", DNS_NAME))
        self.assertFalse(any(r.startswith(DNS_NAME) for r in self.list_rows()))
        r = self.node.cli("warninglist", "remove", DNS_NAME)
        self.assertEqual(r.returncode, 1, r)
        self.assertIn("no warninglist named", r.stderr)

    def test_malformed_lists_are_refused_naming_the_member(self):
        broken_entry = load(AWS)
        broken_entry["list"][3] = "1.178.300.0/20"
        cases = [
            ("not-json.json", '{"name": "x", "type": ', "warninglist"),
            ("no-name.json", {"type": "cidr", "list": []}, "`name`"),
            ("bad-type.json", {"name": "x", "type": "glob", "list": []}, "glob"),
            ("bad-entry.json", broken_entry, "`list[3]`"),
            ("bad-version.json", {"name": "x", "type": "string", "list": [], "version": "1"},
             "`version`"),
        ]
        for name, content, says in cases:
            path = self.write(name, content)
            r = self.node.cli("warninglist", "add", path)
            self.assertEqual(r.returncode, 1, (name, r))
            self.assertIn(path, r.stderr)
            self.assertIn(says, r.stderr, name)
        self.assertEqual(self.list_rows()[1:], [])
        # A good file beside a bad one is installed; the exit code still says no.
        r = self.node.cli("warninglist", "add", self.write("bad.json", "[]"), DNS)
        self.assertEqual(r.returncode, 1, r)
        self.assertEqual(len(self.list_rows()), 2)
        # A file that cannot be read: a usage error.
        r = self.node.cli("warninglist", "add", os.path.join(self.tmp, "missing.json"))
        self.assertEqual(r.returncode, 2, r)
        # A list's name never reaches outside the node's lists folder.
        hostile = {"name": "../../../escaped", "type": "string", "list": ["a"]}
        self.node.ok("warninglist", "add", self.write("hostile.json", hostile))
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "escaped")))
        self.assertFalse(os.path.exists(os.path.join(self.node.dir, "escaped")))
        self.assertTrue(any(re.match(r"^\.\./\.\./\.\./escaped +string ", r)
                            for r in self.list_rows()), self.list_rows())
        # No node in the folder: nothing written there.
        empty = os.path.join(self.tmp, "not-a-node")
        os.mkdir(empty)
        r = harness.run(["warninglist", "add", "--data", empty, DNS])
        self.assertEqual(r.returncode, 2, r)
        self.assertEqual(os.listdir(empty), [])

    def test_overrides_record_who_and_why(self):
        iid = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"
        self.node.ok("warninglist", "override", iid, "--reason", "our own resolver is abused",
                     "--by", "alice")
        rows = self.list_rows()
        line = [r for r in rows if r.startswith(iid)]
        self.assertEqual(len(line), 1, rows)
        self.assertIn("alice", line[0])
        self.assertIn("our own resolver is abused", line[0])
        r = self.node.cli("warninglist", "override", "indicator--nope", "--reason", "x")
        self.assertEqual(r.returncode, 2, r)
        r = self.node.cli("warninglist", "override", iid)  # --reason is required
        self.assertEqual(r.returncode, 2, r)
        self.node.ok("warninglist", "unoverride", iid)
        self.assertFalse(any(r.startswith(iid) for r in self.list_rows()))
        r = self.node.cli("warninglist", "unoverride", iid)
        self.assertEqual(r.returncode, 1, r)

    def test_ingest_flags_and_stores_indicators_on_a_list(self):
        self.node.ok("warninglist", "add", DNS, TOP)
        listed = indicator("[ipv4-addr:value = '8.8.8.8']", 1)
        domain = indicator("[domain-name:value = 'www.github.com' OR "
                           "domain-name:value = 'github.com']", 2)
        clean = indicator("[ipv4-addr:value = '198.51.100.7']", 3)
        path = self.write("in.json", [listed, domain, clean])
        r = self.node.cli("ingest", "--collection", self.coll, "--as", "pub", path)
        self.assertEqual(r.returncode, 0, r)
        self.assertEqual(r.stdout.strip().splitlines()[-1],
                         "added 3, duplicate 0, invalid 0, flagged 2")
        findings = [json.loads(l) for l in r.stderr.splitlines() if l.startswith("{")]
        self.assertEqual([f["object_id"] for f in findings], [listed["id"], domain["id"]])
        self.assertEqual(findings[0]["rule"], "warninglist")
        self.assertIn("on warninglist %s (8.8.8.8)" % DNS_NAME, findings[0]["message"])
        self.assertIn("on warninglist %s (github.com)" % TOP_NAME, findings[1]["message"])
        self.assertIn("not matched unless overridden", findings[0]["message"])
        # Flagged, not refused: all three are stored.
        bundle = json.loads(self.node.ok("export", "--collection", self.coll, "--as", "pub"))
        self.assertEqual({o["id"] for o in bundle["objects"]},
                         {listed["id"], domain["id"], clean["id"]})
        # An overridden indicator is still flagged, and the finding says it is matched.
        self.node.ok("warninglist", "override", listed["id"], "--reason", "sinkhole test",
                     "--by", "bob")
        newer = dict(listed, modified="2024-02-01T00:00:00.000Z")
        r = self.node.cli("ingest", "--collection", self.coll, "--as", "pub",
                          self.write("newer.json", [newer]))
        self.assertEqual(r.returncode, 0, r)
        self.assertIn("overridden by bob (sinkhole test)", r.stderr)

    def test_ingest_reports_the_first_flags_and_counts_the_rest(self):
        self.node.ok("warninglist", "add", DNS)
        many = [indicator("[ipv4-addr:value = '8.8.8.8']", i) for i in range(30)]
        r = self.node.cli("ingest", "--collection", self.coll, "--as", "pub",
                          self.write("many.json", many))
        self.assertEqual(r.returncode, 0, r)
        self.assertEqual(r.stdout.strip().splitlines()[-1],
                         "added 30, duplicate 0, invalid 0, flagged 30")
        findings = [l for l in r.stderr.splitlines() if l.startswith("{")]
        self.assertEqual(len(findings), 20)
        self.assertIn("counted in the summary", r.stderr)

    def post(self, token, objects):
        r = self.node.request("POST", "/api/collections/%s/objects/" % self.coll, token=token,
                              body={"objects": objects})
        self.assertEqual(r.status, 202, r)
        st = r.json()
        if st.get("status") != "complete":
            st = harness.wait_status(self.node, token, "/api/status/%s/" % st["id"])
        return st

    def test_taxii_post_flags_in_the_status_and_picks_up_a_list_added_while_running(self):
        token = self.node.token("pub")
        self.node.start()
        first = indicator("[ipv4-addr:value = '8.8.8.8']", 1)
        st = self.post(token, [first])
        self.assertEqual(st["success_count"], 1)
        self.assertNotIn("message", st["successes"][0])
        # Added through the CLI while the server runs; the server looks again within a
        # second (bounded wait, no timing asserted).
        self.node.ok("warninglist", "add", DNS)
        deadline = time.monotonic() + 30
        flagged = None
        while time.monotonic() < deadline:
            listed = indicator("[ipv4-addr:value = '8.8.8.8']", 2)
            clean = indicator("[ipv4-addr:value = '198.51.100.9']", 3)
            st = self.post(token, [listed, clean])
            self.assertEqual(st["success_count"], 2, st)
            by_id = {s["id"]: s for s in st["successes"]}
            if "message" in by_id[listed["id"]]:
                flagged = by_id
                break
            time.sleep(0.2)
        self.assertIsNotNone(flagged, "the server never picked up the list")
        # TAXII 2.1 §4.3.1: the status-details `message` of the poster's own object.
        self.assertEqual(flagged[listed["id"]]["message"],
                         "on warninglist %s (8.8.8.8)" % DNS_NAME)
        # Nothing about any other object.
        self.assertNotIn("message", flagged[clean["id"]])
        # The flagged object is stored and readable.
        r = self.node.request("GET", "/api/collections/%s/objects/%s/" % (self.coll, listed["id"]),
                              token=token)
        self.assertEqual(r.status, 200, r)
        # An operator's override is the node's business: the poster is told the same.
        self.node.ok("warninglist", "override", listed["id"], "--reason", "internal note",
                     "--by", "carol")
        for n in range(3):
            newer = dict(listed, modified="2024-03-0%dT00:00:00.000Z" % (n + 1))
            st = self.post(token, [newer])
            self.assertEqual(st["successes"][0]["message"],
                             "on warninglist %s (8.8.8.8)" % DNS_NAME)
            self.assertNotIn("carol", json.dumps(st))
            self.assertNotIn("internal note", json.dumps(st))
            time.sleep(0.5)
        # Removed while running: the next envelopes are no longer flagged.
        self.node.ok("warninglist", "remove", DNS_NAME)
        deadline = time.monotonic() + 30
        cleared = False
        while time.monotonic() < deadline:
            again = indicator("[ipv4-addr:value = '8.8.8.8']", 4)
            st = self.post(token, [again])
            if "message" not in st["successes"][0]:
                cleared = True
                break
            time.sleep(0.2)
        self.assertTrue(cleared, "the server never dropped the list")


if __name__ == "__main__":
    unittest.main()
