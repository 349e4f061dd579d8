"""CLI contract of docs/cli.md: init, org/token/collection management, validate,
ingest/export round trip."""
import glob
import json
import os
import stat
import tempfile
import shutil
import unittest
import uuid

import harness
from harness import run, NodeTest


class InitTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="entente-bb-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def test_init_prints_three_lines_and_protects_the_folder(self):
        d = os.path.join(self.tmp, "n1")
        r = run(["init", "--data", d, "--name", "cert-fr", "--jurisdiction", "FR"])
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.strip().splitlines()
        self.assertEqual(len(lines), 3, r.stdout)
        self.assertEqual(lines[0], "node cert-fr initialised in %s" % d)
        self.assertEqual(lines[1], "admin organisation: admin")
        self.assertTrue(lines[2].startswith("admin token: ent_"), lines[2])
        self.assertGreater(len(lines[2]), len("admin token: ent_") + 16)
        self.assertEqual(stat.S_IMODE(os.stat(d).st_mode), 0o700)
        db = os.path.join(d, "entente.db")
        self.assertTrue(os.path.isfile(db))
        self.assertEqual(stat.S_IMODE(os.stat(db).st_mode) & 0o007, 0, "db world-accessible")
        # The token is stored hashed: its secret does not appear in the database file.
        secret = lines[2].split(":", 1)[1].strip()
        with open(db, "rb") as f:
            self.assertNotIn(secret.encode(), f.read())

    def test_second_init_fails_and_keeps_the_node(self):
        d = os.path.join(self.tmp, "n2")
        first = run(["init", "--data", d, "--name", "x", "--jurisdiction", "FR"])
        self.assertEqual(first.returncode, 0, first.stderr)
        r = run(["init", "--data", d, "--name", "y", "--jurisdiction", "DE"])
        self.assertEqual(r.returncode, 1, r)
        self.assertTrue(r.stderr.startswith("entente: "), r.stderr)
        lst = run(["org", "list", "--json"], data=d)
        self.assertEqual(lst.returncode, 0, lst.stderr)
        orgs = [json.loads(l) for l in lst.stdout.splitlines() if l.strip()]
        self.assertEqual(len(orgs), 1, orgs)
        self.assertIn("FR", json.dumps(orgs[0]))

    def test_bad_jurisdiction_names_the_field(self):
        d = os.path.join(self.tmp, "n3")
        r = run(["init", "--data", d, "--name", "x", "--jurisdiction", "ZZZ"])
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("--jurisdiction", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(d, "entente.db")))


class ManagementTest(NodeTest):
    def test_org_add_list_remove(self):
        ident = self.node.add_org("cert-de", "--sector", "government", "--community",
                                  "eu-csirts")
        self.assertRegex(ident, r"^identity--[0-9a-f-]{36}$")
        given = "identity--" + str(uuid.uuid4())
        self.assertEqual(self.node.add_org("isac-x", "--identity", given), given)
        dup = self.node.cli("org", "add", "cert-de", "--name", "again", "--country", "DE")
        self.assertEqual(dup.returncode, 1, dup)
        bad = self.node.cli("org", "add", "z", "--name", "z", "--country", "XX1")
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("--country", bad.stderr)
        lst = self.node.cli("org", "list", "--json")
        self.assertEqual(lst.returncode, 0)
        rows = [json.loads(l) for l in lst.stdout.splitlines() if l.strip()]
        ids = sorted(r.get("id") for r in rows)
        self.assertEqual(ids, ["admin", "cert-de", "isac-x"])
        self.assertEqual(self.node.cli("org", "remove", "isac-x").returncode, 0)
        rows = [json.loads(l) for l in self.node.cli("org", "list", "--json").stdout.splitlines()
                if l.strip()]
        self.assertEqual(sorted(r.get("id") for r in rows), ["admin", "cert-de"])

    def test_token_create_list_revoke(self):
        self.node.add_org("cert-de")
        secret = self.node.token("cert-de", "--label", "analyst")
        self.assertTrue(secret.startswith("ent_"), secret)
        self.assertNotEqual(secret, self.node.token("cert-de"))
        lst = self.node.cli("token", "list", "--org", "cert-de")
        self.assertEqual(lst.returncode, 0)
        self.assertIn("analyst", lst.stdout)
        self.assertNotIn(secret, lst.stdout, "token list shows a secret")
        # Token ids are in the first column of the rows that mention the label.
        row = [l for l in lst.stdout.splitlines() if "analyst" in l][0]
        token_id = row.split()[0]
        self.node.start()
        coll = self.node.collection("c", read=["cert-de"])
        r = self.node.request("GET", "/api/collections/", token=secret)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.node.cli("token", "revoke", token_id).returncode, 0)
        r = self.node.request("GET", "/api/collections/", token=secret)
        self.assertEqual(r.status, 401, r)
        self.assertTrue(coll)

    def test_collection_add_grant_revoke_remove(self):
        self.node.add_org("a")
        self.node.add_org("b")
        ta, tb = self.node.token("a"), self.node.token("b")
        cid = self.node.collection("feed", read=["a"], write=["a"], tlp="green")
        self.assertRegex(cid, r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
        lst = self.node.cli("collection", "list")
        self.assertEqual(lst.returncode, 0)
        self.assertIn(cid, lst.stdout)
        self.node.start()
        path = "/api/collections/%s/" % cid
        self.assertEqual(self.node.request("GET", path, token=ta).status, 200)
        self.assertEqual(self.node.request("GET", path, token=tb).status, 404)
        self.assertEqual(self.node.cli("collection", "grant", cid, "--org", "b", "--read")
                         .returncode, 0)
        r = self.node.request("GET", path, token=tb)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["can_read"], True)
        self.assertEqual(r.json()["can_write"], False)
        self.assertEqual(self.node.cli("collection", "revoke", cid, "--org", "b").returncode, 0)
        self.assertEqual(self.node.request("GET", path, token=tb).status, 404)
        self.assertEqual(self.node.cli("collection", "remove", cid).returncode, 0)
        self.assertEqual(self.node.request("GET", path, token=ta).status, 404)
        bad = self.node.cli("collection", "add", "--title", "x", "--tlp", "purple")
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("--tlp", bad.stderr)


class ValidateTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="entente-bb-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def write(self, name, content):
        p = os.path.join(self.tmp, name)
        with open(p, "w") as f:
            f.write(content if isinstance(content, str) else json.dumps(content))
        return p

    def test_oasis_examples_are_valid(self):
        files = sorted(glob.glob(os.path.join(harness.STIX_DIR, "oasis-example-*.json")))
        self.assertGreater(len(files), 3, harness.STIX_DIR)
        for f in files:
            with self.subTest(file=os.path.basename(f)):
                r = run(["validate", f])
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                self.assertEqual(r.stdout.strip(), "")

    def test_broken_objects_are_reported_one_json_line_each(self):
        bad_modified = harness.indicator(1, modified="2023-01-01T00:00:00.000Z")
        no_pattern = harness.indicator(2)
        del no_pattern["pattern"]
        bad_spec = harness.indicator(3)
        bad_spec["spec_version"] = "2.7"
        good = harness.indicator(4)
        p = self.write("broken.json", {"type": "bundle", "id": "bundle--" + str(uuid.uuid4()),
                                       "objects": [bad_modified, no_pattern, good, bad_spec]})
        r = run(["validate", p])
        self.assertEqual(r.returncode, 1, r)
        findings = [json.loads(l) for l in r.stdout.splitlines() if l.strip()]
        for f in findings:
            for key in ("object_id", "property", "rule"):
                self.assertIn(key, f)
        by_id = {}
        for f in findings:
            by_id.setdefault(f["object_id"], []).append(f)
        self.assertNotIn(good["id"], by_id)
        self.assertIn("modified", [f["property"] for f in by_id.get(bad_modified["id"], [])])
        self.assertIn("pattern", [f["property"] for f in by_id.get(no_pattern["id"], [])])
        self.assertIn("spec_version", [f["property"] for f in by_id.get(bad_spec["id"], [])])
        for f in findings:
            self.assertTrue(f["rule"], f)

    def test_unreadable_or_not_json_exits_2(self):
        p = self.write("notjson.json", "this is { not json")
        r = run(["validate", p])
        self.assertEqual(r.returncode, 2, r)
        self.assertIn("entente:", r.stderr)
        r = run(["validate", os.path.join(self.tmp, "missing.json")])
        self.assertEqual(r.returncode, 2, r)
        self.assertIn("missing.json", r.stderr)


class IngestExportTest(NodeTest):
    def test_round_trip_keeps_custom_properties_and_extensions(self):
        cid = self.node.collection("rt")
        ext_id = "extension-definition--" + str(uuid.uuid4())
        obj = harness.indicator(7, x_bb_score=87, x_bb_nested={"a": [1, 2.5, "z"], "b": None},
                                extensions={ext_id: {"extension_type": "property-extension",
                                                     "rank": 3, "tags": ["x", "y"]}})
        obj2 = harness.indicator(8, labels=["malicious-activity"])
        bundle = {"type": "bundle", "id": "bundle--" + str(uuid.uuid4()), "objects": [obj, obj2]}
        p = os.path.join(self.tmp, "in.json")
        with open(p, "w") as f:
            json.dump(bundle, f)
        r = self.node.cli("ingest", "--collection", cid, "--no-progress", p)
        self.assertEqual(r.returncode, 0, r)
        self.assertEqual(r.stdout.strip().splitlines()[-1], "added 2, duplicate 0, invalid 0")
        r = self.node.cli("ingest", "--collection", cid, "--no-progress", p)
        self.assertEqual(r.stdout.strip().splitlines()[-1], "added 0, duplicate 2, invalid 0")
        out = os.path.join(self.tmp, "out.json")
        r = self.node.cli("export", "--collection", cid, "-o", out)
        self.assertEqual(r.returncode, 0, r)
        with open(out) as f:
            exported = json.load(f)
        self.assertEqual(exported["type"], "bundle")
        got = {o["id"]: o for o in exported["objects"]}
        self.assertEqual(set(got), {obj["id"], obj2["id"]})
        self.assertEqual(got[obj["id"]], obj)
        self.assertEqual(got[obj2["id"]], obj2)
        # Without -o the bundle goes to stdout.
        r = self.node.cli("export", "--collection", cid)
        self.assertEqual({o["id"] for o in json.loads(r.stdout)["objects"]},
                         {obj["id"], obj2["id"]})

    def test_export_as_an_organisation_follows_tlp(self):
        self.node.add_org("own")
        rec = self.node.add_org("rec")
        self.node.add_org("oth")
        cid = self.node.collection("tlp", read=["own", "rec", "oth"], write=["own"])
        amber = harness.indicator(1, object_marking_refs=[harness.TLP["amber"]],
                                  extensions={harness.AUDIENCE_EXT: {
                                      "extension_type": "property-extension",
                                      "recipients": [rec]}})
        clear = harness.indicator(2, object_marking_refs=[harness.TLP["clear"]])
        p = os.path.join(self.tmp, "tlp.json")
        with open(p, "w") as f:
            json.dump({"type": "bundle", "id": "bundle--" + str(uuid.uuid4()),
                       "objects": [amber, clear]}, f)
        r = self.node.cli("ingest", "--collection", cid, "--as", "own", "--no-progress", p)
        self.assertEqual(r.returncode, 0, r)

        def exported(*who):
            r = self.node.cli("export", "--collection", cid, *who)
            self.assertEqual(r.returncode, 0, r)
            return sorted(o["id"] for o in json.loads(r.stdout)["objects"])

        both = sorted([amber["id"], clear["id"]])
        self.assertEqual(exported(), both)
        self.assertEqual(exported("--as", "own"), both)
        self.assertEqual(exported("--as", "rec"), both)
        self.assertEqual(exported("--as", "oth"), [clear["id"]])

    def test_invalid_objects_are_counted_and_skipped(self):
        cid = self.node.collection("inv")
        bad = harness.indicator(1, modified="2020-01-01T00:00:00.000Z")
        good = harness.indicator(2)
        p = os.path.join(self.tmp, "mixed.json")
        with open(p, "w") as f:
            json.dump({"type": "bundle", "id": "bundle--" + str(uuid.uuid4()),
                       "objects": [bad, good]}, f)
        r = self.node.cli("ingest", "--collection", cid, "--no-progress", p)
        self.assertEqual(r.stdout.strip().splitlines()[-1], "added 1, duplicate 0, invalid 1")
        self.assertIn(bad["id"], r.stderr + r.stdout)
        ids = {o["id"] for o in json.loads(self.node.cli("export", "--collection", cid).stdout)
               ["objects"]}
        self.assertEqual(ids, {good["id"]})

    def test_ingest_ics_attack(self):
        path = os.path.join(harness.STIX_DIR, "ics-attack-18.1.json")
        with open(path) as f:
            source = json.load(f)["objects"]
        cid = self.node.collection("attack")
        r = self.node.cli("ingest", "--collection", cid, "--no-progress", path, timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        added = int(r.stdout.strip().splitlines()[-1].split()[1].rstrip(","))
        self.assertEqual(r.stdout.strip().splitlines()[-1],
                         "added %d, duplicate 0, invalid 0" % len(source))
        r = self.node.cli("export", "--collection", cid, "--all-versions", timeout=300)
        self.assertEqual(r.returncode, 0)
        exported = {(o["id"], o.get("modified")): o for o in json.loads(r.stdout)["objects"]}
        self.assertEqual(len(exported), added)
        # Every stored object comes back exactly as it went in.
        same = sum(1 for o in source if exported.get((o["id"], o.get("modified"))) == o)
        self.assertEqual(same, added)


if __name__ == "__main__":
    unittest.main()
