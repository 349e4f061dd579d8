"""The node's identity and its record key (issue 16: "each node has an Ed25519 key made at
`init` ... its public key published in the node's identity"; docs/record.md, "The node's
identity and its key").

A node publishes its identity in its TAXII 2.1 discovery resource (GET /taxii2/) as the
custom property `x_entente_node` (TAXII 2.1 §7.1.1: "A TAXII resource MAY have any number
of Custom Properties"): its name, jurisdiction, the STIX identity id of the organisation
operating it, and its record key with the key id (SHA-256 of the key). A partner reads the
key there and checks a signed head with it, by the bytes docs/record.md specifies and with
`entente evidence verify --key`; it learns nothing else of the node (no organisations,
no counts). `entente peer add` without `--log-key` pins the key it reads there (trust on
first use, printed for an out-of-band comparison), and witnessing then refuses heads
signed by another key: another node answering at the peer's address is an alarm.
"""
import calendar
import datetime
import hashlib
import json
import os
import struct
import time
import unittest

from harness import Node, indicator

WAIT = 30


def signed_bytes(head):
    """The 88 bytes a head's signature covers (docs/record.md, "Signed tree head")."""
    t = datetime.datetime.strptime(head["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ")
    us = calendar.timegm(t.timetuple()) * 1000000 + t.microsecond
    return (b"ENTHEAD1" + struct.pack(">Q", head["tree_size"]) + struct.pack(">q", us)
            + bytes.fromhex(head["root_hash"]) + bytes.fromhex(head["key_id"]))


class Identity(unittest.TestCase):
    def setUp(self):
        import shutil
        import tempfile
        self.tmp = tempfile.mkdtemp(prefix="entente-bb-identity-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def node(self, folder, name, jurisdiction):
        d = os.path.join(self.tmp, folder)
        os.mkdir(d)
        n = Node(d, name, jurisdiction)
        self.addCleanup(n.kill)
        return n

    def identity_of(self, node, token):
        res = node.request("GET", "/taxii2/", token=token)
        self.assertEqual(res.status, 200, res)
        return res

    def test_a_partner_reads_the_key_from_the_identity_and_checks_a_head_with_it(self):
        fr = self.node("fr", "cert-fr", "FR")
        partner_identity = fr.add_org("isac-energy", "--community", "eu-energy")
        fr.add_org("ministry")
        partner = fr.token("isac-energy")
        admin_identity = [json.loads(l) for l in fr.ok("org", "list", "--json").splitlines()
                          if json.loads(l)["id"] == "admin"][0]["identity_id"]
        col = fr.collection("shared", read=("isac-energy",), tlp="green")
        bundle = os.path.join(self.tmp, "one.json")
        obj = indicator(3)
        with open(bundle, "w") as f:
            json.dump({"type": "bundle", "id": "bundle--7d0c3b7e-0b9a-4f3e-8d6a-1c2b3a4d5e6f",
                       "objects": [obj]}, f)
        fr.ok("ingest", "--collection", col, bundle)
        fr.start()

        res = self.identity_of(fr, partner)
        published = res.json()["x_entente_node"]
        # Exactly the node's name, jurisdiction, operating organisation and key.
        self.assertEqual(sorted(published),
                         ["identity", "jurisdiction", "name", "record_key", "record_key_id"])
        self.assertEqual(published["name"], "cert-fr")
        self.assertEqual(published["jurisdiction"], "FR")
        self.assertEqual(published["identity"], admin_identity)
        key = bytes.fromhex(published["record_key"])
        self.assertEqual(hashlib.sha256(key).hexdigest(), published["record_key_id"])
        # A hostile partner learns nothing else: no other organisation, no collection, no
        # count; TAXII's own members besides.
        self.assertEqual(sorted(res.json()),
                         ["api_roots", "default", "title", "x_entente_node"])
        for secret in ("ministry", "isac-energy", partner_identity, col, "eu-energy"):
            self.assertNotIn(secret.encode(), res.body)

        # The newest signed head, checked with the key from the identity.
        head_res = fr.request("GET", "/x-entente/log/head", token=partner)
        self.assertEqual(head_res.status, 200, head_res)
        head = head_res.json()["head"]
        self.assertEqual(head["key_id"], published["record_key_id"])
        try:  # not in the standard library: checked where it is installed
            from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
        except ImportError:
            Ed25519PublicKey = None
        if Ed25519PublicKey is not None:
            Ed25519PublicKey.from_public_bytes(key).verify(bytes.fromhex(head["signature"]),
                                                           signed_bytes(head))
        # And by entente itself, offline: a package whose head verifies with that key.
        package = os.path.join(self.tmp, "package.json")
        fr.ok("evidence", "export", "--object", obj["id"], "--out", package)
        r = fr.cli("evidence", "verify", package, "--key", published["record_key"])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("(the expected key)", r.stdout)
        # A key that is not the identity's is refused by the same check.
        other = hashlib.sha256(b"not the node's key").hexdigest()
        r = fr.cli("evidence", "verify", package, "--key", other)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("is not the expected key", r.stdout)

    def wait_for(self, what, predicate, node):
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            got = predicate()
            if got:
                return got
            time.sleep(0.2)
        raise AssertionError("waited %ds for %s; peer show: %s" % (
            WAIT, what, node.ok("peer", "show", "cert-fr")))

    def show(self, node):
        return json.loads(node.ok("peer", "show", "cert-fr", "--json"))

    def test_peer_add_pins_the_published_key_and_witnessing_refuses_another(self):
        fr = self.node("fr", "cert-fr", "FR")
        de = self.node("de", "cert-de", "DE")
        fr.add_org("cert-de-node")
        token = fr.token("cert-de-node")
        fr.start()
        key = self.identity_of(fr, token).json()["x_entente_node"]["record_key"]
        url = "http://127.0.0.1:%d/api/" % fr.port

        r = de.cli("peer", "add", "cert-fr", "--url", url, "--token", token,
                   "--jurisdiction", "FR")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("record key of cert-fr: %s (key id %s)" %
                      (key, hashlib.sha256(bytes.fromhex(key)).hexdigest()), r.stdout)
        self.assertIn("Trust on first use", r.stdout)
        shown = self.show(de)
        self.assertEqual(shown["log_key"], key)
        self.assertTrue(shown["log_key_source"].startswith("read from its identity"),
                        shown["log_key_source"])

        # Witnessing keeps cert-fr's heads, signed by that key.
        de.start(extra_args=["--witness-interval", "1"])
        self.wait_for("a head of cert-fr kept", lambda: self.show(de)["witnessed_heads"], de)

        # cert-fr comes back with another record and key (its key lost or replaced, or its
        # address taken over by a copy of its store): its heads are validly signed, by
        # another key. An alarm, and those heads are not kept.
        port = fr.port
        fr.kill()
        for f in os.listdir(fr.dir):
            if f.startswith("audit."):
                os.rename(os.path.join(fr.dir, f), os.path.join(self.tmp, "old-" + f))
        fr.start(port=port)
        other_key = self.identity_of(fr, token).json()["x_entente_node"]["record_key"]
        self.assertNotEqual(other_key, key)
        alarms = self.wait_for("an alarm", lambda: self.show(de)["witness_alarms"], de)
        self.assertIn("peer cert-fr: its record's key changed: it serves key id %s, not key id %s"
                      % (hashlib.sha256(bytes.fromhex(other_key)).hexdigest(),
                         hashlib.sha256(bytes.fromhex(key)).hexdigest()), alarms[0]["message"])
        self.assertEqual({h["public_key"] for h in self.show(de)["witnessed_heads"]}, {key})

    def test_a_peer_that_does_not_answer_is_added_and_pinned_later(self):
        de = self.node("de", "cert-de", "DE")
        r = de.cli("peer", "add", "cert-fr", "--url", "http://127.0.0.1:9/api/", "--token",
                   "unused", "--jurisdiction", "FR")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("the identity of peer cert-fr could not be read", r.stderr)
        self.assertEqual(self.show(de)["log_key"], "")


if __name__ == "__main__":
    unittest.main()
