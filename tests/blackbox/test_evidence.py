"""Evidence packages end to end (issue 16, docs/evidence.md): `entente evidence export`
on a real data folder, `entente evidence verify` offline, with the node's key obtained
independently over HTTP (GET /x-entente/log/head), and tampered packages refused with
the failure named.

The record entries naming the object are appended to DATA/audit.db by this test in the
record's documented encoding (canonical JSON entries, RFC 9162 hashes), as an
independent implementation would write them; the node must prove them as its own.
"""
import hashlib
import json
import os
import signal
import sqlite3
import unittest

from record_files import append_entries, canonical, stored_batches

from harness import NodeTest, indicator


class Evidence(NodeTest):
    def setUp(self):
        super().setUp()
        n = self.node
        self.col = n.collection("evidence", tlp="green")
        self.obj = indicator(7)
        path = os.path.join(self.tmp, "bundle.json")
        with open(path, "w") as f:
            json.dump({"type": "bundle", "id": "bundle--0b9b5b4e-3c1f-4a52-9d49-5b8a1c3e2f11",
                       "objects": [self.obj]}, f)
        n.ok("ingest", "--collection", self.col, path)
        # The server makes the record and key of a node that has none; it serves the key.
        n.start()
        res = n.request("GET", "/x-entente/log/head", token=n.admin_token)
        self.assertEqual(res.status, 200, res)
        self.key = res.json()["public_key"]
        n.kill(sig=signal.SIGTERM)
        stored = json.loads(n.ok("export", "--collection", self.col, "--all-versions"))
        self.stored = [o for o in stored["objects"] if o["id"] == self.obj["id"]][0]
        self.digest = hashlib.sha256(canonical(self.stored).encode()).hexdigest()
        # The node recorded the ingest itself: one objects-stored batch whose item names
        # the object with that digest.
        (self.batch, items), = [(e, i) for e, i in stored_batches(n.dir)
                                if e["body"]["collection"] == self.col]
        self.assertEqual([(i["id"], i["sha256"]) for i in items], [(self.obj["id"], self.digest)])
        # A transfer to a partner, as the federation would record it (no partner here).
        self.indices = append_entries(os.path.join(n.dir, "audit.db"), [
            ("case-event", "case-x", {"by": "x", "detail": {}, "event": "opened",
                                      "subject": "case-x"}),
            ("egress-decision", self.obj["id"], {
                "decision": "sent", "object_id": self.obj["id"], "peer": "cert-de",
                "reason": "TLP:GREEN may leave for the community", "rule": "tlp",
                "version": self.obj["modified"]}),
            ("case-event", "case-y", {"by": "x", "detail": {}, "event": "opened",
                                      "subject": "case-y"}),
        ])
        self.package = os.path.join(self.tmp, "package.json")
        out = n.ok("evidence", "export", "--object", self.obj["id"], "--out", self.package)
        self.assertIn("1 object version(s), 2 record entries", out)
        self.entry_indices = [self.batch["index"], self.indices[1]]

    def verify(self, path, *extra):
        return self.node.cli("evidence", "verify", path, *extra)

    def tampered(self, change):
        with open(self.package) as f:
            p = json.load(f)
        change(p)
        path = os.path.join(self.tmp, "tampered-%d.json" % len(os.listdir(self.tmp)))
        with open(path, "w") as f:
            json.dump(p, f)
        return path

    def test_round_trip_holds_offline(self):
        # No data folder, no server: the package alone and the key.
        r = self.verify(self.package, "--key", self.key)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("OK: 1 object version(s) and 2 record entries", r.stdout)
        self.assertIn("(the expected key)", r.stdout)
        with open(self.package) as f:
            p = json.load(f)
        self.assertEqual(json.loads(p["objects"][0]["json"]), self.stored)
        self.assertEqual([e["index"] for e in p["entries"]], self.entry_indices)
        # The batch entry carries the one item that stored the object, with its proof.
        self.assertEqual([json.loads(i["text"])["sha256"] for i in p["entries"][0]["items"]],
                         [self.digest])
        # Exported again it may not overwrite.
        r = self.node.cli("evidence", "export", "--object", self.obj["id"], "--out",
                          self.package)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("exists", r.stderr)

    def test_changed_object_is_named(self):
        def change(p):
            o = json.loads(p["objects"][0]["json"])
            o["name"] = "something else"
            p["objects"][0]["json"] = json.dumps(o)
        r = self.verify(self.tampered(change), "--key", self.key)
        self.assertEqual(r.returncode, 1)
        self.assertIn("FAIL object %s version %s: its SHA-256 is " %
                      (self.obj["id"], self.obj["modified"]), r.stdout)

    def test_object_changed_in_the_store_underneath_is_named(self):
        # Someone edits the stored object in the node's database file. The record keeps
        # the leaf of the item the node stored, so the changed version makes another item
        # that no kept leaf matches: the package has no item for it, and verify names it.
        con = sqlite3.connect(os.path.join(self.node.dir, "entente.db"))
        try:
            n = con.execute("UPDATE objects SET json = json_set(json, '$.name', 'rewritten') "
                            "WHERE id = ?", (self.obj["id"],)).rowcount
            con.commit()
        finally:
            con.close()
        self.assertEqual(n, 1)
        path = os.path.join(self.tmp, "after-edit.json")
        self.node.ok("evidence", "export", "--object", self.obj["id"], "--out", path)
        r = self.verify(path, "--key", self.key)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("FAIL object %s" % self.obj["id"], r.stdout)
        with open(path) as f:
            self.assertEqual(json.loads(json.load(f)["objects"][0]["json"])["name"], "rewritten")

    def test_changed_entry_is_named(self):
        def change(p):
            p["entries"][1]["text"] = p["entries"][1]["text"].replace('"sent"', '"withheld"')
        r = self.verify(self.tampered(change), "--key", self.key)
        self.assertEqual(r.returncode, 1)
        self.assertIn("FAIL entry %d: the inclusion proof does not lead to the signed head's "
                      "root" % self.indices[1], r.stdout)

    def test_flipped_proof_hash_is_named(self):
        def change(p):
            h = p["entries"][0]["proof"][0]
            p["entries"][0]["proof"][0] = ("0" if h[0] != "0" else "1") + h[1:]
        r = self.verify(self.tampered(change), "--key", self.key)
        self.assertEqual(r.returncode, 1)
        self.assertIn("FAIL entry %d: the inclusion proof does not lead" % self.batch["index"],
                      r.stdout)

    def test_changed_item_is_named(self):
        # The item's digest replaced by the changed object's: the item no longer proves
        # into the batch's items_root, so the object is not vouched for either.
        def change(p):
            item = json.loads(p["entries"][0]["items"][0]["text"])
            item["sha256"] = "0" * 64
            p["entries"][0]["items"][0]["text"] = canonical(item)
        r = self.verify(self.tampered(change), "--key", self.key)
        self.assertEqual(r.returncode, 1)
        self.assertIn("FAIL entry %d item 0: the inclusion proof does not lead to the entry's "
                      "items_root" % self.batch["index"], r.stdout)
        self.assertIn("FAIL object %s" % self.obj["id"], r.stdout)

    def test_item_moved_to_another_place_is_named(self):
        def change(p):
            p["entries"][0]["items"][0]["index"] = 5
        r = self.verify(self.tampered(change), "--key", self.key)
        self.assertEqual(r.returncode, 1)
        self.assertIn("FAIL entry %d item 5: the inclusion proof does not lead to the entry's "
                      "items_root (outside the entry's 1 items)" % self.batch["index"], r.stdout)

    def test_flipped_signature_is_named(self):
        def change(p):
            s = p["head"]["signature"]
            p["head"]["signature"] = s[:-1] + ("0" if s[-1] != "0" else "1")
        r = self.verify(self.tampered(change), "--key", self.key)
        self.assertEqual(r.returncode, 1)
        self.assertIn("FAIL head: the signature does not verify with the package's key",
                      r.stdout)

    def test_another_key_is_named(self):
        other = "ab" * 32
        r = self.verify(self.package, "--key", other)
        self.assertEqual(r.returncode, 1)
        self.assertIn("FAIL public key: the package's key (key id", r.stdout)

        def change(p):
            p["public_key"] = other
        r = self.verify(self.tampered(change))
        self.assertEqual(r.returncode, 1)
        self.assertIn("FAIL head: signed by key id", r.stdout)

    def test_unreadable_package_is_exit_2(self):
        r = self.verify(os.path.join(self.tmp, "missing.json"))
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)


class EvidenceOfACase(NodeTest):
    """`evidence export --case`: every object of the case (its incident versions, its
    impact, a participant's state note, a task), each with its chain of custody."""

    def test_case_round_trip(self):
        n = self.node
        n.add_org("csirt")
        coll = n.collection("cases", read=("csirt",), write=("csirt",))

        def case(*args):
            return n.ok("case", args[0], "--collection", coll, *args[1:])

        case_id = case("open", "--as", "csirt", "--name", "ransomware at a hospital",
                       "--rsit-class", "malicious-code", "--rsit-type", "infected-system",
                       "--external-impact", "public-health").splitlines()[-1].strip()
        case("state", case_id, "investigating", "--as", "csirt", "--note", "on it")
        case("task", case_id, "--as", "csirt", "--name", "isolate the ward")
        n.start()
        key = n.request("GET", "/x-entente/log/head", token=n.admin_token).json()["public_key"]
        n.kill(sig=signal.SIGTERM)
        # The node recorded each version as it stored it; add the transfer of each to a
        # partner, as the federation would record it (federation history).
        stored = json.loads(n.ok("export", "--collection", coll, "--all-versions"))["objects"]
        entries = []
        for o in stored:
            version = o.get("modified", o.get("created", ""))
            entries.append(("egress-decision", o["id"], {
                "decision": "sent", "object_id": o["id"], "peer": "cert-de",
                "reason": "a recipient of the case lives there", "rule": "recipients",
                "version": version}))
        append_entries(os.path.join(n.dir, "audit.db"), entries)
        package = os.path.join(self.tmp, "case.json")
        n.ok("evidence", "export", "--case", case_id, "--collection", coll, "--out", package)
        r = n.cli("evidence", "verify", package, "--key", key)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        with open(package) as f:
            p = json.load(f)
        types = sorted({json.loads(o["json"])["type"] for o in p["objects"]})
        self.assertIn("incident", types)
        self.assertIn("note", types)  # the participant's state
        self.assertIn("task", types)
        self.assertIn(case_id, [o["id"] for o in p["objects"]])
        # Every object version in the package has its sent entry and the item of the batch
        # that stored it.
        sent = [e for e in p["entries"] if '"egress-decision"' in e["text"]]
        self.assertEqual(len(sent), len(p["objects"]))
        items = [json.loads(i["text"])["id"] for e in p["entries"] for i in e.get("items", [])]
        self.assertEqual(sorted(items), sorted(o["id"] for o in p["objects"]))
        self.assertIn("OK: %d object version(s) and %d record entries" %
                      (len(p["objects"]), len(p["entries"])), r.stdout)


if __name__ == "__main__":
    unittest.main()
