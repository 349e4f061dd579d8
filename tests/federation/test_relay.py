"""Relays, rings and keyed copies between real `entente` nodes on loopback (issue 11,
item 9). Rounds are driven with `entente peer sync`, so every run does the same work.

- A ring A -> B -> C -> A whose link A -> B hashes e-mail addresses (a keyed hash, as
  the sovereignty rules allow) must settle: the keyed copy carries the provenance of its
  original, so it never goes back to a node it came from, and a value that already is a
  keyed hash is never hashed again (no HMAC of an HMAC anywhere).
- A chain longer than the hop limit: an object stops where the limit says, and
  `peer explain` says why.
"""
import hashlib
import hmac
import json
import unittest
import uuid

from fedharness import TLP, FederationCase

HASH_KEY = "ring-shared-key-2026"
ROUNDS = 5


def email(value):
    return {"type": "email-addr", "spec_version": "2.1",
            "id": "email-addr--" + str(uuid.uuid4()), "value": value,
            "object_marking_refs": [TLP["clear"]]}


def ipv4(value):
    return {"type": "ipv4-addr", "spec_version": "2.1",
            "id": "ipv4-addr--" + str(uuid.uuid4()), "value": value,
            "object_marking_refs": [TLP["clear"]]}


def keyed(value):
    return "hmac-sha256:" + hmac.new(HASH_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


class Relays(FederationCase):
    def build(self, names):
        """Nodes that each let the previous one push into their collection `shared`
        (organisation `relay-in`); returns them, with .col (collection id) and .writer
        (a token of the local analyst organisation)."""
        nodes = []
        for i, name in enumerate(names):
            n = self.node(name, ["FR", "DE", "US", "JP", "BR"][i % 5])
            n.org("analyst")
            n.org("relay-in")
            n.col = n.collection("shared", ["analyst", "relay-in"], ["analyst", "relay-in"],
                                 tlp="clear")
            n.writer = n.token("analyst")
            n.relay_token = n.token("relay-in")
            n.start(extra=["--no-federation"])
            nodes.append(n)
        return nodes

    def push(self, src, dst, *extra):
        r = src.peer("add", dst.name, "--url", dst.url(), "--token", dst.relay_token,
                     "--jurisdiction", "DE", "--push", "%s:%s" % (src.col, dst.col), *extra)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def sync(self, node, peer):
        rc, counts, err = node.sync(peer)
        self.assertEqual(rc, 0, err)
        return counts

    def all_values(self, node):
        bundle = json.loads(node.ok("export", "--collection", node.col, "--all-versions"))
        return [o.get("value") for o in bundle.get("objects", []) if "value" in o]

    def test_ring_with_a_hashing_link_settles(self):
        a, b, c = self.build(["node-a", "node-b", "node-c"])
        self.push(a, b, "--rule", "email-addr.value=hash", "--hash-key", HASH_KEY)
        self.push(b, c)
        self.push(c, a)
        a.post(a.col, a.writer, [email("jane@example.org"), ipv4("203.0.113.7")])
        b.post(b.col, b.writer, [email("bob@example.org")])
        c.post(c.col, c.writer, [email("john@example.org")])

        sizes = []
        for _ in range(ROUNDS):
            for node, peer in ((a, "node-b"), (b, "node-c"), (c, "node-a")):
                self.sync(node, peer)
            sizes.append([len(n.versions(n.col)) for n in (a, b, c)])
        # Settled: the last rounds add nothing anywhere, and every node holds a bounded
        # number of objects (each of the 4 once, or its one keyed copy).
        self.assertEqual(sizes[-1], sizes[-2], sizes)
        self.assertEqual(sizes[-1], sizes[-3], sizes)
        for size in sizes[-1]:
            self.assertLessEqual(size, 4, sizes)
        # No HMAC of an HMAC anywhere: every keyed value is the keyed hash of an address.
        allowed = {keyed(v) for v in ("jane@example.org", "bob@example.org",
                                      "john@example.org")}
        for node in (a, b, c):
            for v in self.all_values(node):
                if v.startswith("hmac-sha256:"):
                    self.assertIn(v, allowed, "%s holds a value hashed twice" % node.name)
        # What crossed the hashing link was hashed; what did not cross it was not.
        self.assertNotIn("jane@example.org", self.all_values(b))
        self.assertNotIn("jane@example.org", self.all_values(c))
        self.assertIn(keyed("jane@example.org"), self.all_values(c))
        self.assertNotIn(keyed("jane@example.org"), self.all_values(a))
        self.assertIn("john@example.org", self.all_values(a))

        # The keyed copy of C's address (made by A for B) carries its original's
        # provenance: B never sends it back to C, and explain says so.
        copy = [o for o in b.stored(b.col).values() if o.get("value") == keyed("john@example.org")]
        self.assertEqual(len(copy), 1, b.stored(b.col))
        r = b.peer("explain", "node-c", "--collection", b.col, "--object", copy[0]["id"])
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("decision: withhold", r.stdout)
        self.assertIn("keyed copy of an object that came from or through node-c", r.stdout)
        self.assertIn("provenance: node-c -> node-a", r.stdout)

    def test_a_relay_stops_at_the_hop_limit(self):
        a, b, c, d = self.build(["node-a", "node-b", "node-c", "node-d"])
        self.push(a, b, "--hop-limit", "2")
        self.push(b, c, "--hop-limit", "2")
        self.push(c, d, "--hop-limit", "2")
        from_a = ipv4("198.51.100.1")
        from_b = ipv4("198.51.100.2")
        a.post(a.col, a.writer, [from_a])
        b.post(b.col, b.writer, [from_b])
        for node, peer in ((a, "node-b"), (b, "node-c"), (c, "node-d")):
            self.sync(node, peer)
        # A's object made two hops (A -> B -> C): C forwards it no further; B's made one.
        self.assertIn(from_a["id"], c.stored(c.col))
        self.assertNotIn(from_a["id"], d.stored(d.col))
        self.assertIn(from_b["id"], d.stored(d.col))
        r = c.peer("explain", "node-d", "--collection", c.col, "--object", from_a["id"])
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("provenance: node-a -> node-b", r.stdout)
        self.assertIn("hop limit: it reached this node after 2 hops; the hop limit towards "
                      "node-d is 2", r.stdout)
        # Another round moves nothing more.
        counts = self.sync(c, "node-d")
        self.assertEqual(counts.get("pushed"), 0, counts)
        self.assertNotIn(from_a["id"], d.stored(d.col))


if __name__ == "__main__":
    unittest.main()
