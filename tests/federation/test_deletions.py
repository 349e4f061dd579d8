"""Corrections travel between real nodes: a deletion on the source (TAXII DELETE of an
object or of one version) reaches every peer the object was pushed to, once, and no
other; new versions and revocations arrive as versions. Node A serves with
--no-federation, so that every round is one `entente peer sync` and its counters are
exact."""
import copy
import json
import unittest

from fedharness import indicator
from test_federation import Topology


def version_of(obj, modified, **changes):
    v = copy.deepcopy(obj)
    v["modified"] = modified
    v.update(changes)
    return v


class DeletionTest(Topology):
    def access_lines(self, node, method):
        return [l for l in node.log().splitlines() if ('"%s /api/' % method) in l]

    def build_with_a_quiet(self):
        self.build(start=False)
        self.b.start()
        self.a.start(extra=["--no-federation"])

    def test_deletions_reach_where_objects_went_once_and_nowhere_else(self):
        self.build_with_a_quiet()
        c = self.node("node-c", "US")
        c.org("us-cert", "--community", "five-eyes")
        c.org("from-a", "--community", "five-eyes")
        c_col = c.collection("shared", ["us-cert", "from-a"], ["us-cert", "from-a"])
        c.start()
        self.add_push_a_to_b()
        r = self.a.peer("add", "node-c", "--url", c.url(), "--token", c.token("from-a"),
                        "--jurisdiction", "US", "--push", "%s:%s" % (self.a_col, c_col))
        self.assertEqual(r.returncode, 0, r.stderr)

        gone = indicator("clear", self.fr, n=1)
        partly = indicator("clear", self.fr, n=2)
        partly2 = version_of(partly, "2024-02-01T00:00:00.000Z")
        for_de = indicator("amber", self.fr, {"recipients": [self.de]}, n=3)  # B only
        kept = indicator("clear", self.fr, n=4)
        self.a.ingest(self.a_col, "cert-fr", [gone, partly, partly2, for_de, kept], self.tmp)
        for peer in ("node-b", "node-c"):
            rc, counts, err = self.a.sync(peer)
            self.assertEqual(rc, 0, err)
        self.assertEqual(set(self.b.stored(self.b_col)),
                         {gone["id"], partly["id"], for_de["id"], kept["id"]})
        self.assertEqual(set(c.stored(c_col)), {gone["id"], partly["id"], kept["id"]})

        # Deleted on A through TAXII: a whole object, one version, the AMBER object.
        objects = "/api/collections/%s/objects/" % self.a_col
        for path in (objects + gone["id"] + "/",
                     objects + partly["id"] + "/?match[version]=" + partly["modified"],
                     objects + for_de["id"] + "/"):
            status, _ = self.a.request("DELETE", path, self.token_a_cert)
            self.assertEqual(status, 200, path)

        rc, counts, err = self.a.sync("node-b")
        self.assertEqual(rc, 0, err)
        self.assertEqual(counts.get("deleted"), 3, counts)
        rc, counts, err = self.a.sync("node-c")
        self.assertEqual(rc, 0, err)
        self.assertEqual(counts.get("deleted"), 2, (counts, err))

        on_b = self.b.versions(self.b_col)
        self.assertEqual(sorted(on_b), sorted([(partly["id"], partly2["modified"]),
                                               (kept["id"], kept["modified"])]))
        self.assertEqual(sorted(c.versions(c_col)),
                         sorted([(partly["id"], partly2["modified"]),
                                 (kept["id"], kept["modified"])]))
        # C never received the AMBER object: it is never asked to delete it.
        deletes_on_c = self.access_lines(c, "DELETE")
        self.assertEqual(len(deletes_on_c), 2, deletes_on_c)
        self.assertFalse([l for l in deletes_on_c if for_de["id"] in l], deletes_on_c)

        # Not sent again.
        deletes_on_b = len(self.access_lines(self.b, "DELETE"))
        for peer in ("node-b", "node-c"):
            rc, counts, err = self.a.sync(peer)
            self.assertEqual(rc, 0, err)
            self.assertEqual(counts.get("deleted"), 0, counts)
        self.assertEqual(len(self.access_lines(self.b, "DELETE")), deletes_on_b)
        self.assertEqual(len(self.access_lines(c, "DELETE")), 2)
        status = {s["name"]: s for s in map(json_line, self.a.ok("peer", "list", "--json")
                                            .splitlines())}
        self.assertEqual(status["node-b"]["deleted"], 3)
        self.assertEqual(status["node-c"]["deleted"], 2)

    def test_new_versions_and_revocations_travel_as_versions(self):
        self.build_with_a_quiet()
        self.add_push_a_to_b()
        first = indicator("clear", self.fr)
        corrected = version_of(first, "2024-02-01T00:00:00.000Z", description="corrected")
        revoked = version_of(first, "2024-03-01T00:00:00.000Z", revoked=True)
        for obj in (first, corrected, revoked):
            self.a.ingest(self.a_col, "cert-fr", [obj], self.tmp)
            rc, counts, err = self.a.sync("node-b")
            self.assertEqual(rc, 0, err)
            self.assertEqual(counts.get("pushed"), 1, counts)
        self.assertEqual(sorted(v for _, v in self.b.versions(self.b_col)),
                         [first["modified"], corrected["modified"], revoked["modified"]])
        latest = self.b.stored(self.b_col)[first["id"]]
        self.assertTrue(latest.get("revoked"))


def json_line(line):
    return json.loads(line)


if __name__ == "__main__":
    unittest.main()
