"""The node's record (issue 16), seen from outside: what a node does through its doors
ends up in DATA/audit.db, and no secret does.

Issue 16: "Everything that matters is recorded in an append-only log on each node: every
object version stored (with the SHA-256 of its canonical JSON, who submitted it and how -
client, peer, sensor), ... every deletion, every change to organisations, tokens, grants
... every read of an AMBER, AMBER+STRICT or RED object (who, which object, when) ...
Entries are small and typed; secrets never enter the log." and "The log never blocks the
node: if it cannot be written, the write that triggered it fails cleanly rather than going
unrecorded."

The record is read with Python's sqlite3 (its entries table holds each entry's canonical
JSON, docs/record.md), so these tests depend on the file, not on a command that shows it.
"""
import glob
import hashlib
import json
import os
import sqlite3
import time

from harness import TLP, NodeTest, indicator
from record_files import canonical, stored_batches


def entries(node, kind=None):
    """Every entry of the node's record, parsed, in index order."""
    con = sqlite3.connect("file:%s?mode=ro" % os.path.join(node.dir, "audit.db"), uri=True)
    try:
        rows = con.execute("SELECT idx, kind, entry FROM entries ORDER BY idx").fetchall()
    finally:
        con.close()
    out = []
    for idx, k, text in rows:
        e = json.loads(text)
        assert e["index"] == idx and e["kind"] == k, (idx, k, text)
        if kind is None or k == kind:
            out.append(e)
    return out


def stored_json(node, object_id):
    """The stored JSON text of every version of `object_id` (as the store holds it)."""
    con = sqlite3.connect("file:%s?mode=ro" % os.path.join(node.dir, "entente.db"), uri=True)
    try:
        return [r[0] for r in con.execute("SELECT json FROM objects WHERE id = ?", (object_id,))]
    finally:
        con.close()


def batches(node):
    return stored_batches(node.dir)


def record_bytes(node):
    data = b""
    for path in glob.glob(os.path.join(node.dir, "audit.db*")):
        with open(path, "rb") as f:
            data += f.read()
    return data


class RecordTest(NodeTest):
    def path(self, cid, rest="objects/"):
        return "/api/collections/%s/%s" % (cid, rest)

    def setUp(self):
        super().setUp()
        self.node.add_org("cert-de")
        self.secret = self.node.token("cert-de", "--label", "analyst")
        lst = self.node.ok("token", "list", "--org", "cert-de")
        self.token_id = [l for l in lst.splitlines() if "analyst" in l][0].split()[0]
        self.cid = self.node.collection("amber", read=["cert-de"], write=["cert-de"],
                                        tlp="amber")
        self.node.start()

    def post(self, objs):
        r = self.node.request("POST", self.path(self.cid), token=self.secret,
                              body={"objects": objs})
        self.assertEqual(r.status, 202, r)
        return r.json()

    def test_posts_deletions_reads_and_token_changes_are_recorded(self):
        objs = [indicator(i) for i in range(3)]
        status = self.post(objs)
        self.assertEqual(status["success_count"], 3, status)
        # The same objects again: duplicates store nothing and record nothing.
        self.post(objs)

        # One objects-stored entry for the POST (none for the duplicates), its items
        # hashing to its items_root (checked by record_files.stored_batches).
        mine = [(e, items) for e, items in batches(self.node)
                if e["body"]["collection"] == self.cid]
        self.assertEqual(len(mine), 1)
        entry, items = mine[0]
        self.assertEqual((entry["body"]["submitter"], entry["body"]["channel"]),
                         ("cert-de", "client"))
        self.assertEqual(sorted(i["id"] for i in items), sorted(o["id"] for o in objs))
        for item in items:
            self.assertEqual(item["version"], "2024-01-01T00:00:00.000Z")
            # The SHA-256 of the stored object's canonical JSON (RFC 8785), computed here.
            (text,) = stored_json(self.node, item["id"])
            self.assertEqual(item["sha256"],
                             hashlib.sha256(canonical(json.loads(text)).encode()).hexdigest())

        # A read of AMBER objects: one restricted-read per version served, with the token id.
        r = self.node.request("GET", self.path(self.cid), token=self.secret)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(len(r.json()["objects"]), 3)
        reads = entries(self.node, "restricted-read")
        self.assertEqual(len(reads), 3, reads)
        for e in reads:
            self.assertEqual(e["body"]["tlp"], "amber")
            self.assertEqual(e["body"]["reader"], "cert-de")
            self.assertEqual(e["body"]["token_id"], self.token_id)
            self.assertEqual(e["body"]["via"], "taxii")
        self.assertEqual(sorted(e["body"]["object_id"] for e in reads),
                         sorted(o["id"] for o in objs))

        # A deletion over TAXII, by the caller's organisation.
        r = self.node.request("DELETE", self.path(self.cid, "objects/%s/" % objs[0]["id"]),
                              token=self.secret)
        self.assertEqual(r.status, 200, r)
        deletions = entries(self.node, "deletion")
        self.assertEqual([(d["body"]["object_id"], d["body"]["by"]) for d in deletions],
                         [(objs[0]["id"], "cert-de")])

        # Token changes by the CLI while the server runs (two processes append to one
        # record): created and revoked, named by id.
        second = self.node.token("cert-de", "--label", "second")
        lst = self.node.ok("token", "list", "--org", "cert-de")
        second_id = [l for l in lst.splitlines() if "second" in l][0].split()[0]
        self.node.ok("token", "revoke", second_id)
        tokens = [(e["body"]["subject"], e["body"]["action"])
                  for e in entries(self.node, "token-change")]
        self.assertIn((self.token_id, "add"), tokens)
        self.assertIn((second_id, "add"), tokens)
        self.assertIn((second_id, "revoke"), tokens)
        # The server appends after the CLI did: the tree stays one (indices 0..n-1).
        r = self.node.request("GET", self.path(self.cid), token=self.secret)
        self.assertEqual(r.status, 200, r)
        every = entries(self.node)
        self.assertEqual([e["index"] for e in every], list(range(len(every))))
        self.assertEqual(len(entries(self.node, "restricted-read")), 5)

        # Organisations and grants made at init and since.
        orgs = [(e["body"]["subject"], e["body"]["action"])
                for e in entries(self.node, "organisation-change")]
        self.assertIn(("cert-de", "put"), orgs)
        grants = [e["body"]["subject"] for e in entries(self.node, "grant-change")]
        self.assertIn(self.cid, grants)

        # No secret anywhere in the record's bytes, nor the hashes the store keeps of them.
        data = record_bytes(self.node)
        for s in (self.secret, second, self.node.admin_token):
            self.assertNotIn(s.encode(), data)
            self.assertNotIn(hashlib.sha256(s.encode()).hexdigest().encode(), data)

    def test_green_reads_are_not_restricted_reads(self):
        green = self.node.collection("green", read=["cert-de"], write=["cert-de"], tlp="green")
        r = self.node.request("POST", self.path(green), token=self.secret,
                              body={"objects": [indicator(1)]})
        self.assertEqual(r.status, 202, r)
        red = indicator(2, object_marking_refs=[TLP["red"]])
        r = self.node.request("POST", self.path(green), token=self.secret,
                              body={"objects": [red]})
        self.assertEqual(r.status, 202, r)
        r = self.node.request("GET", self.path(green), token=self.secret)
        self.assertEqual(len(r.json()["objects"]), 2)
        reads = entries(self.node, "restricted-read")
        self.assertEqual([(e["body"]["object_id"], e["body"]["tlp"]) for e in reads],
                         [(red["id"], "red")])

    def test_cli_ingest_is_recorded_as_local(self):
        objs = [indicator(i) for i in range(4)]
        path = os.path.join(self.tmp, "bundle.json")
        with open(path, "w") as f:
            json.dump({"type": "bundle", "id": "bundle--6a4a3a4c-8b0e-4f0e-9d3a-0e0e0e0e0e0e",
                       "objects": objs}, f)
        self.node.ok("ingest", "--collection", self.cid, "--as", "cert-de", path)
        ids = {o["id"] for o in objs}
        mine = [(e["body"], i) for e, items in batches(self.node) for i in items
                if i["id"] in ids]
        self.assertEqual(len(mine), 4)
        self.assertEqual({(b["submitter"], b["channel"]) for b, _ in mine},
                         {("cert-de", "local")})

    def test_exports_of_restricted_objects_are_reads_too(self):
        objs = [indicator(i) for i in range(2)]
        self.post(objs)
        out = os.path.join(self.tmp, "out.json")
        self.node.ok("export", "--collection", self.cid, "--token", self.token_id, "-o", out)
        with open(out) as f:
            self.assertEqual(len(json.load(f)["objects"]), 2)
        reads = [e["body"] for e in entries(self.node, "restricted-read")]
        self.assertEqual(sorted(b["object_id"] for b in reads), sorted(o["id"] for o in objs))
        for b in reads:
            self.assertEqual((b["reader"], b["token_id"], b["via"], b["tlp"]),
                             ("cert-de", self.token_id, "export", "amber"))

    def test_a_write_the_record_cannot_take_fails_and_stores_nothing(self):
        before = len(entries(self.node))
        # Another writer holds the record's write lock for longer than the node waits.
        con = sqlite3.connect(os.path.join(self.node.dir, "audit.db"), isolation_level=None,
                              timeout=1)
        con.execute("BEGIN IMMEDIATE")
        try:
            obj = indicator(7)
            started = time.monotonic()
            r = self.node.request("POST", self.path(self.cid), token=self.secret,
                                  body={"objects": [obj]})
            # Either the POST is refused or its status names the object as a failure; it
            # is never a success.
            if r.status == 202:
                status = r.json()
                self.assertEqual(status.get("success_count", 0), 0, status)
                self.assertEqual(status.get("failure_count"), 1, status)
            else:
                self.assertGreaterEqual(r.status, 500, r)
                # What failed inside is not told to the client.
                self.assertNotIn(b"audit.db", r.body)
            self.assertGreater(time.monotonic() - started, 1)
        finally:
            con.execute("ROLLBACK")
            con.close()
        self.assertEqual(stored_json(self.node, obj["id"]), [])
        self.assertEqual(len(entries(self.node)), before)
        # Once the record can be written again, the same object is stored and recorded.
        status = self.post([obj])
        self.assertEqual(status["success_count"], 1, status)
        self.assertEqual(len(stored_json(self.node, obj["id"])), 1)
        self.assertIn(obj["id"], [i["id"] for _, items in batches(self.node) for i in items])


if __name__ == "__main__":
    import unittest
    unittest.main()
