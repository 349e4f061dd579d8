"""TAXII flows that need code: pagination while another client writes, large envelopes."""
import threading
import urllib.parse

import harness
from harness import NodeTest, indicator


def all_pages(test, node, token, path, limit, max_pages=2000, before=None):
    """Follows `next` until more is false (bounded). Returns the list of (id, version)
    pairs in page order; checks the date-added headers on every page."""
    seen = []
    cursor = None
    for _ in range(max_pages):
        if before:
            before()
        q = "%s?match[version]=all&limit=%d" % (path, limit)
        if cursor:
            q += "&next=" + urllib.parse.quote(cursor, safe="")
        r = node.request("GET", q, token=token)
        test.assertEqual(r.status, 200, r)
        for h in ("x-taxii-date-added-first", "x-taxii-date-added-last"):
            test.assertRegex(r.headers.get(h, ""), harness_rfc3339(), h)
        doc = r.json()
        items = doc.get("objects", [])
        test.assertLessEqual(len(items), limit)
        seen += [(o["id"], o.get("modified", o.get("version"))) for o in items]
        if not doc.get("more"):
            return seen
        test.assertIn("next", doc, "more without next")
        cursor = doc["next"]
    test.fail("pagination did not end within %d pages" % max_pages)


def harness_rfc3339():
    return r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$"


class FlowTest(NodeTest):
    def setUp(self):
        super().setUp()
        self.node.add_org("w")
        self.tw = self.node.token("w")
        self.cid = self.node.collection("flow", read=["w"], write=["w"], tlp="clear")
        self.objects = "/api/collections/%s/objects/" % self.cid
        self.node.start()

    def post(self, objs, token=None):
        r = self.node.request("POST", self.objects, token=token or self.tw, body={"objects": objs})
        self.assertEqual(r.status, 202, r)
        return r.json()

    def test_pagination_under_concurrent_writes_misses_nothing(self):
        initial = [indicator(i) for i in range(250)]
        st = self.post(initial)
        if st.get("status") != "complete":
            harness.wait_status(self.node, self.tw, "/api/status/%s/" % st["id"])
        acked = []
        errors = []
        started = threading.Event()

        def writer():
            try:
                for b in range(30):
                    batch = [indicator(1000 + b * 5 + k) for k in range(5)]
                    s = self.post(batch)
                    if s.get("status") != "complete":
                        s = harness.wait_status(self.node, self.tw, "/api/status/%s/" % s["id"])
                    acked.extend(o["id"] for o in batch)
                    started.set()
            except Exception as e:  # reported by the main thread
                errors.append(e)
                started.set()

        t = threading.Thread(target=writer, daemon=True)
        t.start()
        started.wait(timeout=60)
        acked_before_last_page = []

        def snapshot():
            acked_before_last_page[:] = list(acked)

        pages = all_pages(self, self.node, self.tw, self.objects, limit=7, before=snapshot)
        t.join(timeout=120)
        self.assertFalse(t.is_alive(), "writer did not finish")
        self.assertEqual(errors, [])
        # Objects acknowledged after the reader passed the end are picked up by resuming.
        tail = all_pages(self, self.node, self.tw, self.objects, limit=50)
        self.assertEqual(len(pages), len(set(pages)), "a page repeated an object")
        ids = [p[0] for p in pages]
        self.assertTrue(set(o["id"] for o in initial) <= set(ids), "pagination skipped objects")
        # Everything acknowledged before the last page was asked for is on some page.
        self.assertEqual(set(acked_before_last_page) - set(ids), set(),
                         "pagination skipped objects written while it ran")
        self.assertEqual(sorted(p[0] for p in tail), sorted([o["id"] for o in initial] + acked))
        # Resuming the concurrent walk from its end finds exactly the rest.
        self.assertTrue(set(ids) <= set(p[0] for p in tail))

    def test_large_envelope_is_accepted_and_completes(self):
        objs = [indicator(i) for i in range(2100)]
        r = self.node.request("POST", self.objects, token=self.tw, body={"objects": objs})
        self.assertEqual(r.status, 202, r)
        st = r.json()
        self.assertEqual(st.get("total_count"), 2100)
        self.assertIn(st.get("status"), ("pending", "complete"))
        final = harness.wait_status(self.node, self.tw, "/api/status/%s/" % st["id"])
        self.assertEqual(final["success_count"], 2100)
        self.assertEqual(final["failure_count"], 0)
        self.assertEqual(final["pending_count"], 0)
        got = all_pages(self, self.node, self.tw, self.objects, limit=1000)
        self.assertEqual(sorted(g[0] for g in got), sorted(o["id"] for o in objs))
        # Another organisation, even a reader, does not see the status.
        self.node.add_org("other")
        other = self.node.token("other")
        self.node.ok("collection", "grant", self.cid, "--org", "other", "--read")
        r = self.node.request("GET", "/api/status/%s/" % st["id"], token=other)
        self.assertEqual(r.status, 404, r)

    def test_every_version_kept(self):
        base = indicator(1)
        versions = []
        for month in range(1, 6):
            v = dict(base, modified="2024-%02d-01T00:00:00.000Z" % month, name="v%d" % month)
            versions.append(v["modified"])
            self.post([v])
        self.post([dict(base, modified=versions[2], name="v3")])  # re-sent
        r = self.node.request("GET", self.objects + base["id"] + "/versions/", token=self.tw)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(sorted(map(harness.instant, r.json()["versions"])),
                         sorted(map(harness.instant, versions)))
        r = self.node.request("GET", self.objects + "?match[version]=all", token=self.tw)
        self.assertEqual(sorted(o["modified"] for o in r.json()["objects"]), versions)
        r = self.node.request("GET", self.objects + base["id"] + "/?match[version]=%s,%s"
                              % (versions[0], versions[4]), token=self.tw)
        self.assertEqual(sorted(o["modified"] for o in r.json()["objects"]),
                         [versions[0], versions[4]])


if __name__ == "__main__":
    import unittest
    unittest.main()
