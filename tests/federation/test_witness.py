"""Peers witness each other's record (issue 16; federation/witness.h, docs/evidence.md).

Node cert-de witnesses node cert-fr: it fetches cert-fr's signed tree head over HTTP
(GET /x-entente/log/head), keeps it, and for each later head asks for a consistency proof
(RFC 9162 2.1.4) from the head it kept. cert-fr's record is then changed underneath, in
its data folder, while it is stopped, the way an operator with disk access would:

- rewritten: an older copy of audit.db is restored and different entries appended, so
  the new head is larger but does not extend the one cert-de kept. cert-fr's own record
  is consistent in itself (`log verify` on that copy has nothing to find); only the
  witness can tell;
- truncated: an older copy restored as is, so cert-fr presents a smaller head.

Each time cert-de raises an alarm naming the peer and both tree sizes, in its log, in
`peer list` (WITNESS column) and in `peer show`; and an evidence package cert-fr makes
with what cert-de witnessed (`evidence export --witnessed`) holds before the change and
is refused by `evidence verify` after it, naming the witnessed head. A key other than
the one configured with `peer set --log-key` (or read from cert-fr's identity by `peer
add`) is an alarm too.

Entries are appended to the record file directly (canonical JSON, RFC 9162 leaf and
interior hashes, audit/log.h's tables), so that the test depends on nothing but the
record's file format.
"""
import hashlib
import json
import os
import shutil
import sqlite3
import sys
import time
import unittest

from fedharness import FederationCase

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "blackbox"))
import record_files  # noqa: E402 (tests/blackbox/record_files.py: the record's file format)

WAIT = 60


def append_entries(db_path, subjects):
    """Appends one case-event entry per subject to the record at db_path."""
    record_files.append_entries(db_path, [
        ("case-event", subject,
         {"by": "test", "detail": {}, "event": "opened", "subject": subject})
        for subject in subjects])


class Witnessing(FederationCase):
    def setUp(self):
        super().setUp()
        self.fr = self.node("cert-fr", "FR")
        self.de = self.node("cert-de", "DE")
        self.fr.org("cert-de-peer")
        self.fr_token = self.fr.token("cert-de-peer")
        self.db = os.path.join(self.fr.dir, "audit.db")
        # First start makes cert-fr's record (and key) if `init` did not.
        self.fr.start(extra=["--no-federation"])
        self.fr.stop()
        # What init and the organisation and token above recorded come first.
        con = sqlite3.connect(self.db)
        self.base = con.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
        con.close()
        append_entries(self.db, ["honest-%d" % i for i in range(5)])
        self.fr.start(extra=["--no-federation"])
        r = self.de.peer("add", "cert-fr", "--url", self.fr.url(), "--token", self.fr_token,
                         "--jurisdiction", "FR")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.de.start(extra=["--witness-interval", "1"])

    def witness_column(self):
        for line in self.de.ok("peer", "list", "--json").splitlines():
            row = json.loads(line)
            if row["name"] == "cert-fr":
                return row["witness"], row["witness_alarms"]
        raise AssertionError("cert-fr not listed")

    def wait_for(self, predicate, what):
        deadline = time.time() + WAIT
        while time.time() < deadline:
            got = self.witness_column()
            if predicate(got):
                return got
            time.sleep(0.2)
        raise AssertionError("waited %ds for %s; cert-de says %s\n%s" %
                             (WAIT, what, self.witness_column(), self.de.log()[-3000:]))

    def restart_fr(self, change):
        """Stops cert-fr, applies `change` to its data folder, starts it on the same port
        (its peer entry on cert-de names that port)."""
        port = self.fr.port
        self.fr.stop()
        change()
        self.fr.start(port=port, extra=["--no-federation"])

    def size(self, honest):
        """The record's size once `honest` entries are appended after the first ones."""
        return self.base + honest

    def grow_honestly(self):
        self.wait_for(lambda w: w == ("ok %d" % self.size(5), 0), "the first head to be kept")
        self.backup = os.path.join(self.tmp, "audit-at-5.db")

        def grow():
            shutil.copy(self.db, self.backup)  # cert-fr stopped: the file holds everything
            append_entries(self.db, ["honest-%d" % i for i in range(5, 8)])

        self.restart_fr(grow)
        # The head after 8 honest entries extends the one after 5: kept, no alarm.
        self.wait_for(lambda w: w == ("ok %d" % self.size(8), 0), "the second head to be kept")
        # What cert-de witnessed goes into cert-fr's evidence, and holds.
        r = self.export_with_witnessed("honest.json")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("2 head(s) witnessed by peers checked", r.stdout)

    def export_with_witnessed(self, name):
        """cert-de's `peer show cert-fr --json` travels to cert-fr, which exports the
        custody of one entry with it; returns `evidence verify` of the package."""
        witnessed = os.path.join(self.tmp, "witnessed-" + name)
        with open(witnessed, "w") as f:
            f.write(self.de.ok("peer", "show", "cert-fr", "--json"))
        package = os.path.join(self.tmp, name)
        self.fr.ok("evidence", "export", "--object", "honest-1", "--witnessed", witnessed,
                   "--out", package)
        return self.fr.cli("evidence", "verify", package)

    def assert_alarm(self, expected_start):
        self.wait_for(lambda w: w[1] >= 1, "an alarm")
        witness, alarms = self.witness_column()
        self.assertEqual((witness, alarms), ("ALARM (1)", 1))
        show = json.loads(self.de.ok("peer", "show", "cert-fr", "--json"))
        message = show["witness_alarms"][0]["message"]
        self.assertTrue(message.startswith(expected_start), message)
        # The evidence: both signed heads, verifiable with the key kept.
        evidence = show["witness_alarms"][0]["evidence"]
        self.assertEqual(evidence["kept_before"]["tree_size"], self.size(8))
        self.assertEqual(evidence["presented_key"], show["log_key"])
        self.assertIn("federation: WITNESS ALARM " + message, self.de.log())
        text = self.de.ok("peer", "show", "cert-fr")
        self.assertIn("ALARM", text)
        self.assertIn("peer cert-fr", text)
        # Raised once, not every witnessing.
        time.sleep(2.5)
        self.assertEqual(self.witness_column(), ("ALARM (1)", 1))
        return evidence

    def test_rewritten_record_is_caught(self):
        self.grow_honestly()

        def rewrite():
            shutil.copy(self.backup, self.db)
            for suffix in ("-wal", "-shm"):
                if os.path.exists(self.db + suffix):
                    os.remove(self.db + suffix)
            append_entries(self.db, ["forged-%d" % i for i in range(4)])

        self.restart_fr(rewrite)
        evidence = self.assert_alarm(
            "peer cert-fr: its head of %d entries does not extend the head of %d entries it "
            "presented before" % (self.size(9), self.size(8)))
        self.assertEqual(evidence["presented"]["tree_size"], self.size(9))
        self.assertIn("consistency_proof", evidence)
        # cert-fr's evidence, made now, no longer holds against what cert-de witnessed: its
        # head of 5 entries is still a prefix (the forgery kept those), its head of 8 not.
        r = self.export_with_witnessed("rewritten.json")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("FAIL witnessed head 1 (peer cert-de): not consistent with the package's "
                      "head (tree sizes %d and %d" % (self.size(8), self.size(9)), r.stdout)
        self.assertNotIn("witnessed head 0", r.stdout)

    def test_truncated_record_is_caught(self):
        self.grow_honestly()

        def truncate():
            shutil.copy(self.backup, self.db)
            for suffix in ("-wal", "-shm"):
                if os.path.exists(self.db + suffix):
                    os.remove(self.db + suffix)

        self.restart_fr(truncate)
        evidence = self.assert_alarm(
            "peer cert-fr: its record shrank: it presented a head of %d entries after one of %d"
            % (self.size(5), self.size(8)))
        self.assertEqual(evidence["presented"]["tree_size"], self.size(5))
        r = self.export_with_witnessed("truncated.json")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("FAIL witnessed head 1 (peer cert-de): not consistent with the package's "
                      "head (tree sizes %d and %d" % (self.size(5), self.size(8)), r.stdout)

    def test_a_key_other_than_the_configured_one_is_an_alarm(self):
        self.wait_for(lambda w: w == ("ok %d" % self.size(5), 0), "the first head to be kept")
        pinned = json.loads(self.de.ok("peer", "show", "cert-fr", "--json"))
        # `peer add` read the key from cert-fr's identity (GET /taxii2/) and pinned it.
        self.assertTrue(pinned["log_key_source"].startswith("read from its identity"),
                        pinned["log_key_source"])
        status, head = self.fr.request("GET", "/x-entente/log/head", self.fr_token)
        self.assertEqual(status, 200)
        self.assertEqual(pinned["log_key"], head["public_key"])
        # The operator configures the key cert-fr "published"; here a wrong one, as if the
        # node answering were not cert-fr, or cert-fr had replaced its key.
        configured = hashlib.sha256(b"another node's key").hexdigest()
        self.de.ok("peer", "set", "cert-fr", "--log-key", configured)
        self.wait_for(lambda w: w[1] >= 1, "an alarm")
        show = json.loads(self.de.ok("peer", "show", "cert-fr", "--json"))
        self.assertEqual(show["log_key"], configured)
        self.assertEqual(show["log_key_source"], "configured (--log-key)")
        message = show["witness_alarms"][0]["message"]
        self.assertTrue(message.startswith("peer cert-fr: its record's key changed: it serves "
                                           "key id %s, not key id %s" %
                                           (hashlib.sha256(bytes.fromhex(pinned["log_key"]))
                                            .hexdigest(),
                                            hashlib.sha256(bytes.fromhex(configured))
                                            .hexdigest())), message)
        # The right key again: no new alarm, witnessing goes on.
        self.de.ok("peer", "set", "cert-fr", "--log-key", pinned["log_key"])
        time.sleep(2.5)
        self.assertEqual(self.witness_column(), ("ALARM (1)", 1))


if __name__ == "__main__":
    unittest.main()
