"""The tamper-evident record (issue 16, docs/record.md): `entente log verify` on a real data
folder whose SQLite file is edited underneath. The issue: "Changing, deleting, reordering or
inserting any entry ... truncating the log, swapping the key, replaying an old head ... is
detected by `log verify` ... - each test names which." Each test below makes one of those
edits and checks that verify exits 1 naming the entry index or head it found."""
import calendar
import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import stat
import struct
import tempfile
import unittest

from harness import run


def verify(data):
    return run(["log", "verify", "--data", data])


class RecordTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="entente-record-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.data = os.path.join(self.tmp, "n1")
        r = run(["init", "--data", self.data, "--name", "n1", "--jurisdiction", "FR"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.secrets = [r.stdout.strip().splitlines()[2].split(":", 1)[1].strip()]
        # entries 0-1 (init), 2-4 (orgs), 5-6 (tokens), 7 (a removal); heads #1 (size 0)
        # and #2 (size 2) from init, #3 (size 5) and #4 (size 8) here.
        for org, country in (("cert-de", "DE"), ("cert-it", "IT"), ("cert-es", "ES")):
            self.ok(["org", "add", org, "--name", "CERT " + country, "--country", country])
        self.ok(["log", "head"])
        for org in ("cert-de", "cert-it"):
            self.secrets.append(self.ok(["token", "create", "--org", org]).strip())
        self.ok(["org", "remove", "cert-es"])
        self.ok(["log", "head"])
        self.db = os.path.join(self.data, "audit.db")

    def ok(self, args):
        r = run(args + ["--data", self.data])
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def sql(self, *statements):
        con = sqlite3.connect(self.db)
        for s in statements:
            con.execute(s)
        con.commit()
        con.close()

    def assert_fails_naming(self, *needles):
        r = verify(self.data)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("record NOT verified", r.stdout)
        for needle in needles:
            self.assertIn(needle, r.stdout)
        return r.stdout

    def test_an_untouched_record_verifies(self):
        r = verify(self.data)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("record verified: 8 entries, tree size 8", r.stdout)
        self.assertIn("4 signed head(s) checked", r.stdout)

    def test_the_record_lists_and_filters(self):
        lines = self.ok(["log", "--json"]).strip().splitlines()
        self.assertEqual(len(lines), 8)
        entries = [json.loads(l) for l in lines]
        self.assertEqual([e["index"] for e in entries], list(range(8)))
        self.assertEqual(entries[7]["kind"], "organisation-change")
        self.assertEqual(entries[7]["body"]["action"], "delete")
        about = self.ok(["log", "--object", "cert-es", "--json"]).strip().splitlines()
        self.assertEqual([json.loads(l)["index"] for l in about], [4, 7])
        for_de = self.ok(["log", "--org", "cert-de", "--json"]).strip().splitlines()
        self.assertEqual([json.loads(l)["index"] for l in for_de], [2, 5])  # org, its token
        self.assertEqual(self.ok(["log", "--peer", "nobody", "--json"]), "")
        tokens = self.ok(["log", "--kind", "token-change", "--limit", "2"]).splitlines()
        self.assertEqual(len(tokens), 3)  # header and two rows
        r = run(["log", "--kind", "nonsense", "--data", self.data])
        self.assertEqual(r.returncode, 2)

    def test_no_token_secret_and_private_files(self):
        # "secrets never enter the log"; the key is readable by its owner only.
        with open(self.db, "rb") as f:
            raw = f.read()
        for secret in self.secrets:
            self.assertTrue(secret.startswith("ent_"))
            self.assertNotIn(secret.encode(), raw)
            self.assertNotIn(secret, self.ok(["log", "--json"]))
        key = os.path.join(self.data, "audit.key")
        self.assertEqual(stat.S_IMODE(os.stat(key).st_mode), 0o600)
        self.assertEqual(stat.S_IMODE(os.stat(self.db).st_mode) & 0o077, 0)

    def test_a_signed_head_is_printed_and_stored(self):
        head = json.loads(self.ok(["log", "head", "--json"]))
        self.assertEqual(head["tree_size"], 8)
        self.assertEqual(sorted(head), ["key_id", "root_hash", "signature", "timestamp",
                                        "tree_size"])
        self.assertIn("5 signed head(s) checked", verify(self.data).stdout)

    def test_an_independent_verifier_agrees(self):
        # docs/record.md, "Byte-level specification", re-implemented here from the text:
        # RFC 9162 2.1 hashing over the entries `log --json` prints, and the 88 signed
        # bytes of the head.
        entries = [l.encode() for l in self.ok(["log", "--json"]).strip().splitlines()]

        def mth(d):
            if not d:
                return hashlib.sha256(b"").digest()
            if len(d) == 1:
                return hashlib.sha256(b"\x00" + d[0]).digest()
            k = 1
            while k * 2 < len(d):
                k *= 2
            return hashlib.sha256(b"\x01" + mth(d[:k]) + mth(d[k:])).digest()

        printed = self.ok(["log", "head"])
        head = json.loads(self.ok(["log", "head", "--json"]))
        self.assertEqual(head["tree_size"], len(entries))
        self.assertEqual(head["root_hash"], mth(entries).hex())
        public_key = bytes.fromhex(
            [l.split()[-1] for l in printed.splitlines() if l.startswith("public key")][0])
        self.assertEqual(hashlib.sha256(public_key).hexdigest(), head["key_id"])
        t = datetime.datetime.strptime(head["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ")
        us = calendar.timegm(t.timetuple()) * 1000000 + t.microsecond
        msg = (b"ENTHEAD1" + struct.pack(">Q", head["tree_size"]) + struct.pack(">q", us)
               + bytes.fromhex(head["root_hash"]) + bytes.fromhex(head["key_id"]))
        self.assertEqual(len(msg), 88)
        try:  # not in the standard library: the signature is checked where it is installed
            from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
        except ImportError:
            return
        Ed25519PublicKey.from_public_bytes(public_key).verify(
            bytes.fromhex(head["signature"]), msg)

    def test_changed_entry(self):
        self.sql("UPDATE entries SET entry = replace(entry, 'CERT DE', 'CERT XX') WHERE idx = 2")
        self.assert_fails_naming("entry 2: its text does not hash to the stored leaf",
                                 "head #3 (tree size 5): its root is not the root",
                                 "head #4 (tree size 8): its root is not the root")

    def test_changed_entry_with_its_leaf_recomputed(self):
        # A careful forger also rewrites the leaf hash: the stored tree no longer adds up,
        # and the signed heads do not match.
        self.sql("UPDATE entries SET entry = replace(entry, 'CERT DE', 'CERT XX') WHERE idx = 2")
        con = sqlite3.connect(self.db)
        text = con.execute("SELECT entry FROM entries WHERE idx = 2").fetchone()[0]
        leaf = hashlib.sha256(b"\x00" + text.encode()).digest()
        con.execute("UPDATE nodes SET hash = ? WHERE level = 0 AND idx = 2", (leaf,))
        con.commit()
        con.close()
        out = self.assert_fails_naming(
            "stored tree node (level 1, index 1) is not the hash of its children",
            "head #3 (tree size 5): its root is not the root")
        self.assertNotIn("entry 2:", out)

    def test_changed_filter_column(self):
        self.sql("UPDATE entries SET subject = 'cert-zz' WHERE idx = 4")
        self.assert_fails_naming("entry 4: the subject column says 'cert-zz'")

    def test_deleted_entry(self):
        self.sql("DELETE FROM entries WHERE idx = 3")
        out = self.assert_fails_naming("entry 3 is missing (deleted?)")
        self.assertNotIn("head #", out)  # the tree itself is intact: only the entry is gone

    def test_reordered_entries(self):
        self.sql("UPDATE entries SET idx = 100 WHERE idx = 5",
                 "UPDATE entries SET idx = 5 WHERE idx = 6",
                 "UPDATE entries SET idx = 6 WHERE idx = 100")
        self.assert_fails_naming("entry 5: its text says index 6",
                                 "entry 6: its text says index 5",
                                 "head #4 (tree size 8): its root is not the root")

    def test_inserted_entry(self):
        con = sqlite3.connect(self.db)
        row = con.execute("SELECT time_us, kind, subject, entry FROM entries WHERE idx = 2")
        time_us, kind, subject, text = row.fetchone()
        con.execute("UPDATE entries SET idx = idx + 1000 WHERE idx >= 3")
        con.execute("UPDATE entries SET idx = idx - 999 WHERE idx >= 1000")
        forged = text.replace('"index":2', '"index":3').replace("cert-de", "cert-fr")
        con.execute("INSERT INTO entries VALUES (3, ?, ?, ?, ?)",
                    (time_us, kind, "cert-fr", forged.replace("CERT DE", "CERT FR")))
        con.commit()
        con.close()
        self.assert_fails_naming("entry 3: its text does not hash to the stored leaf",
                                 "entry 4: its text says index 3",
                                 "entry 8: its text says index 7",
                                 "entry 8: not in the stored tree (inserted?)")

    def test_truncated_record(self):
        # Entries 5-7 and their tree nodes gone, as a careful forger would: the heads that
        # covered them remain, signed.
        self.sql("DELETE FROM entries WHERE idx >= 5",
                 "DELETE FROM nodes WHERE ((idx + 1) << level) > 5")
        self.assert_fails_naming(
            "head #4 (tree size 8): covers more entries than the record holds (5: truncated?)")

    def test_truncated_entries_only(self):
        self.sql("DELETE FROM entries WHERE idx >= 6")
        self.assert_fails_naming("entries 6 to 7 are missing (deleted or truncated?)")

    def test_swapped_key(self):
        other = os.path.join(self.tmp, "n2")
        r = run(["init", "--data", other, "--name", "n2", "--jurisdiction", "DE"])
        self.assertEqual(r.returncode, 0, r.stderr)
        key = os.path.join(self.data, "audit.key")
        os.remove(key)
        shutil.copy2(os.path.join(other, "audit.key"), key)
        self.assert_fails_naming("(key swapped?)", "head #1 (tree size 0): signed by key")
        # And the node refuses to sign its record with the new key.
        r = run(["log", "head", "--data", self.data])
        self.assertEqual(r.returncode, 1)
        self.assertIn("was the key file replaced?", r.stderr)

    def test_replayed_old_head(self):
        self.sql("UPDATE heads SET (tree_size, timestamp_us, root, key_id, signature) = "
                 "(SELECT tree_size, timestamp_us, root, key_id, signature FROM heads "
                 "WHERE seq = 2) WHERE seq = 4")
        self.assert_fails_naming(
            "head #4 (tree size 2): not newer than the head before it (an old head replayed?)")

    def test_changed_head(self):
        self.sql("UPDATE heads SET tree_size = 7 WHERE seq = 4")
        self.assert_fails_naming("head #4 (tree size 7): signature does not verify")

    def test_a_node_without_a_record_gets_one_and_says_so(self):
        for name in ("audit.db", "audit.key"):
            os.remove(os.path.join(self.data, name))
        r = verify(self.data)
        self.assertEqual(r.returncode, 1)
        self.assertIn("the node has no record", r.stdout)
        r = run(["log", "head", "--data", self.data])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("this node had no record; created", r.stderr)
        self.assertIn("this node had no signing key; created", r.stderr)
        self.assertIn("tree size  0", r.stdout)
        self.assertEqual(verify(self.data).returncode, 0)


if __name__ == "__main__":
    unittest.main()
