"""Trust under attack (issue 11, items 1-4): what a partner may not see must not leak
through a cursor, a header, a POST's answer or a version, and only an object's creator
writes versions of it or deletes it (STIX 2.1 §3.6).

The read checks compare what a principal gets from a collection that holds rows it may
not see with what it gets from a collection that never held them, rather than with
hand-written answers: every instant (date_added, headers, cursors, versions) is replaced
by its rank among the instants of its own collection's answers, since the two collections
assign different date_added values to the same objects.
"""
import datetime
import json
import os
import re
import urllib.parse
import uuid

from harness import TLP, NodeTest, indicator

INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
CURSOR = re.compile(r"^c\d+$")
DATE_HEADERS = ("x-taxii-date-added-first", "x-taxii-date-added-last")


def micros(ts):
    base, _, frac = ts.rstrip("Z").partition(".")
    dt = datetime.datetime.strptime(base, "%Y-%m-%dT%H:%M:%S")
    dt = dt.replace(tzinfo=datetime.timezone.utc)
    return int(dt.timestamp()) * 1000000 + int((frac + "000000")[:6])


def snapshot(response):
    """What a client learns from one response: status, date-added headers, body."""
    body = None
    if response.body:
        body = response.json()
    return {"status": response.status,
            "headers": {h: response.headers.get(h) for h in DATE_HEADERS},
            "body": body}


def canonical(snapshots, replace=()):
    """The snapshots as JSON text with every instant replaced by its rank among the
    instants they hold (a `next` cursor is the instant it encodes), and each (old, new)
    pair of `replace` applied to the text first."""
    text = json.dumps(snapshots, sort_keys=True)
    for old, new in replace:
        text = text.replace(old, new)
    data = json.loads(text)
    found = set()

    def walk(v, key=None, collect=True):
        if isinstance(v, dict):
            return {k: walk(x, k, collect) for k, x in v.items()}
        if isinstance(v, list):
            return [walk(x, key, collect) for x in v]
        if isinstance(v, str):
            t = None
            if INSTANT.match(v):
                t = micros(v)
            elif key == "next" and CURSOR.match(v):
                t = int(v[1:])
            if t is not None:
                if collect:
                    found.add(t)
                    return v
                return "t%d" % rank[t]
        return v

    walk(data)
    rank = {t: i for i, t in enumerate(sorted(found))}
    return json.dumps(walk(data, collect=False), sort_keys=True, indent=1)


def red(obj):
    """`obj` marked TLP:RED with no individual recipients: only its owner sees it."""
    obj["object_marking_refs"] = [TLP["red"]]
    return obj


def email(value, obj_id=None):
    return {"type": "email-addr", "spec_version": "2.1",
            "id": obj_id or "email-addr--" + str(uuid.uuid4()), "value": value}


class TrustTest(NodeTest):
    def collection_path(self, cid, rest="objects/"):
        return "/api/collections/%s/%s" % (cid, rest)

    def post(self, cid, token, objs, headers=None, expect=202):
        r = self.node.request("POST", self.collection_path(cid), token=token,
                              body={"objects": objs}, headers=headers)
        self.assertEqual(r.status, expect, r)
        return r.json()

    def pages(self, cid, token, route, params):
        """Every page of a route with limit=1, following `next` (bounded)."""
        out = []
        cursor = None
        for _ in range(50):
            q = self.collection_path(cid, route) + "?limit=1" + params
            if cursor:
                q += "&next=" + urllib.parse.quote(cursor, safe="")
            r = self.node.request("GET", q, token=token)
            out.append(snapshot(r))
            if r.status != 200:
                return out
            doc = r.json()
            if not doc.get("more"):
                return out
            cursor = doc.get("next")
        self.fail("paging did not end")


class CursorTest(TrustTest):
    """Item 1: the `next` cursor and the date-added headers tell only rows given."""

    def test_paging_over_hidden_rows_tells_nothing_about_them(self):
        n = self.node
        n.add_org("writer")
        n.add_org("reader")
        tw, tr = n.token("writer"), n.token("reader")
        mixed = n.collection("mixed", read=["reader", "writer"], write=["writer"], tlp="clear")
        clean = n.collection("clean", read=["reader", "writer"], write=["writer"], tlp="clear")
        n.start()
        visible = [indicator(i) for i in range(3)]

        def hidden():
            return red(indicator(90))

        # Hidden rows before, between and after the visible ones.
        self.post(mixed, tw, [hidden(), visible[0], hidden(), hidden(), visible[1], hidden(),
                              visible[2], hidden()])
        self.post(clean, tw, visible)
        for route, params in (("objects/", ""), ("objects/", "&match[version]=all"),
                              ("manifest/", ""), ("objects/", "&match[type]=indicator")):
            got = canonical(self.pages(mixed, tr, route, params))
            want = canonical(self.pages(clean, tr, route, params))
            self.assertEqual(got, want, route + params)
        # The writer, who sees every row, still pages through all of them.
        self.assertEqual(len(self.pages(mixed, tw, "objects/", "")), 8)


class ExistenceOracleTest(TrustTest):
    """Item 2: a POST, and reading one's own submission back, say the same whether or
    not the collection holds a row the submitter may not read."""

    def setUp(self):
        super().setUp()
        n = self.node
        n.add_org("holder")
        n.add_org("prober")
        self.th, self.tp = n.token("holder"), n.token("prober")
        self.cid = n.collection("inbox", read=["holder", "prober"],
                                write=["holder", "prober"], tlp="amber")
        n.start()

    def status_shape(self, status, obj_id):
        shape = dict(status)
        for k in ("id", "request_timestamp"):
            shape.pop(k, None)
        return canonical(shape, replace=[(obj_id, "ID")])

    def test_posting_a_hidden_sco_is_answered_as_a_new_one(self):
        # Anyone can compute an SCO's id from its value (STIX 2.1 §2.9, deterministic
        # ids): the holder's RED copy and the prober's value share it.
        held = email("target@example.org")
        fresh = email("target@example.net")
        self.post(self.cid, self.th, [red(dict(held))])
        answers = {}
        for name, obj in (("held", held), ("fresh", fresh)):
            first = self.post(self.cid, self.tp, [dict(obj)])
            again = self.post(self.cid, self.tp, [dict(obj)])  # its own copy: already present
            reads = [snapshot(self.node.request("GET", self.collection_path(self.cid, r),
                                                token=self.tp))
                     for r in ("objects/%s/" % obj["id"], "objects/%s/versions/" % obj["id"],
                               "objects/?match[id]=%s" % obj["id"],
                               "manifest/?match[id]=%s" % obj["id"])]
            answers[name] = [self.status_shape(first, obj["id"]),
                             self.status_shape(again, obj["id"]),
                             canonical(reads, replace=[(obj["id"], "ID"),
                                                       (obj["value"], "VALUE")])]
        self.assertEqual(answers["held"], answers["fresh"])
        self.assertNotIn("already present", answers["held"][0])
        self.assertIn("already present", answers["held"][1])
        # The prober deletes its own copy only; the holder keeps its own, as it stored it.
        path = self.collection_path(self.cid, "objects/%s/" % held["id"])
        self.assertEqual(self.node.request("DELETE", path, token=self.tp).status, 200)
        self.assertEqual(self.node.request("GET", path, token=self.tp).status, 404)
        r = self.node.request("GET", path + "?match[version]=all", token=self.th)
        self.assertEqual(r.status, 200, r)
        self.assertEqual([o.get("object_marking_refs") for o in r.json()["objects"]],
                         [[TLP["red"]]])


class OwnershipTest(TrustTest):
    """Item 3: only an object's creator writes versions of it or deletes it (STIX 2.1
    §3.6); an administrator overrides that only explicitly, and the override is logged."""

    def setUp(self):
        super().setUp()
        n = self.node
        self.owner_identity = n.add_org("owner-org")
        n.add_org("other-org")
        self.to, self.tx = n.token("owner-org"), n.token("other-org")
        self.ta = n.admin_token
        grant = ["owner-org", "other-org", "admin"]
        self.cid = n.collection("shared", read=grant, write=grant, tlp="clear")
        self.log = os.path.join(self.tmp, "serve.log")
        n.start(log_path=self.log)
        self.x = indicator(1, name="original")
        st = self.post(self.cid, self.to, [self.x])
        self.assertEqual(st["success_count"], 1, st)
        self.x_added = st["successes"][0]

    def newer(self, **extra):
        v = dict(self.x, modified="2024-06-01T00:00:00.000Z", name="hijacked")
        v.update(extra)
        return v

    def current_name(self):
        r = self.node.request("GET", self.collection_path(self.cid, "objects/%s/" % self.x["id"]),
                              token=self.to)
        self.assertEqual(r.status, 200, r)
        return r.json()["objects"][0]["name"]

    def test_another_organisation_cannot_version_an_object(self):
        for obj in (self.newer(), dict(self.x)):  # a new version, and the same version
            st = self.post(self.cid, self.tx, [obj])
            self.assertEqual((st["success_count"], st["failure_count"]), (0, 1), st)
            message = st["failures"][0]["message"]
            self.assertIn("creator-only-versions", message)
            self.assertNotIn("owner-org", json.dumps(st))
        self.assertEqual(self.current_name(), "original")
        # The owner itself versions it.
        st = self.post(self.cid, self.to, [self.newer(name="second")])
        self.assertEqual(st["success_count"], 1, st)
        self.assertEqual(self.current_name(), "second")

    def test_another_organisation_cannot_delete_an_object(self):
        hidden = red(indicator(2))
        self.post(self.cid, self.to, [hidden])
        path = self.collection_path(self.cid, "objects/%s/" % self.x["id"])
        r = self.node.request("DELETE", path, token=self.tx)
        self.assertEqual(r.status, 403, r)
        self.assertIn("creator", r.json()["description"])
        r = self.node.request("DELETE", self.collection_path(
            self.cid, "objects/%s/" % hidden["id"]), token=self.tx)
        self.assertEqual(r.status, 404, r)
        self.assertEqual(self.current_name(), "original")
        self.assertEqual(self.node.request("DELETE", path, token=self.to).status, 200)

    def test_creator_named_as_another_local_organisation_is_forged(self):
        st = self.post(self.cid, self.tx, [indicator(3, created_by_ref=self.owner_identity)])
        self.assertEqual(st["failure_count"], 1, st)
        self.assertIn("forged-creator", st["failures"][0]["message"])
        self.assertNotIn(self.owner_identity, json.dumps(st))
        vendor = "identity--" + str(uuid.uuid4())  # a relayed report: not of this node
        st = self.post(self.cid, self.tx, [indicator(4, created_by_ref=vendor)])
        self.assertEqual(st["success_count"], 1, st)

    def test_administrator_override_is_explicit_and_logged(self):
        override = {"X-Entente-Override": "owner"}
        # Not an administrator: refused outright.
        r = self.node.request("POST", self.collection_path(self.cid), token=self.tx,
                              body={"objects": [self.newer()]}, headers=override)
        self.assertEqual(r.status, 403, r)
        # An administrator without the header is treated like anyone.
        st = self.post(self.cid, self.ta, [self.newer()])
        self.assertEqual(st["failure_count"], 1, st)
        self.assertEqual(self.current_name(), "original")
        # With it, the version is stored (as the owner's) and the override logged.
        st = self.post(self.cid, self.ta, [self.newer(name="corrected")], headers=override)
        self.assertEqual(st["success_count"], 1, st)
        self.assertEqual(self.current_name(), "corrected")
        # The owner still writes its own object afterwards.
        st = self.post(self.cid, self.to, [self.newer(modified="2024-07-01T00:00:00.000Z",
                                                      name="owner again")])
        self.assertEqual(st["success_count"], 1, st)
        path = self.collection_path(self.cid, "objects/%s/" % self.x["id"])
        self.assertEqual(self.node.request("DELETE", path, token=self.ta).status, 403)
        self.assertEqual(self.node.request("DELETE", path, token=self.ta,
                                           headers=override).status, 200)
        self.node.kill()
        with open(self.log, encoding="utf-8") as f:
            lines = [line for line in f if "owner override" in line]
        self.assertEqual(len(lines), 2, lines)
        for line, action in zip(lines, ("stored", "deleted")):
            for word in ("admin", self.x["id"], "owner-org", action):
                self.assertIn(word, line)

    def test_ingest_obeys_ownership_unless_overridden(self):
        path = os.path.join(self.tmp, "newer.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"type": "bundle", "id": "bundle--" + str(uuid.uuid4()),
                       "objects": [self.newer()]}, f)
        r = self.node.cli("ingest", "--collection", self.cid, "--as", "other-org",
                          "--no-progress", path)
        self.assertEqual(r.returncode, 1, r)
        self.assertIn("owned by another organisation", r.stderr)
        self.assertEqual(self.current_name(), "original")
        r = self.node.cli("ingest", "--collection", self.cid, "--as", "other-org",
                          "--no-progress", "--override-owner", path)
        self.assertEqual(r.returncode, 0, r)
        self.assertIn("--override-owner", r.stderr)
        self.assertEqual(self.current_name(), "hijacked")


class NewestVisibleVersionTest(TrustTest):
    """Item 4: when the newest (oldest) version is hidden from a reader, it gets the
    newest (oldest) version it may see, exactly as if the hidden ones did not exist."""

    def test_reader_gets_the_versions_it_may_see(self):
        n = self.node
        n.add_org("writer")
        n.add_org("reader")
        tw, tr = n.token("writer"), n.token("reader")
        mixed = n.collection("mixed", read=["reader", "writer"], write=["writer"], tlp="clear")
        control = n.collection("control", read=["reader", "writer"], write=["writer"],
                               tlp="clear")
        n.start()
        base = indicator(5)
        versions = []
        for month in (1, 2, 3, 4):
            v = dict(base, modified="2024-%02d-01T00:00:00.000Z" % month, name="v%d" % month)
            versions.append(v)
        # v1 and v4, the first and the last, are RED: the reader sees v2 and v3 only.
        other = indicator(6)
        self.post(mixed, tw, [red(dict(versions[0])), versions[1], other, versions[2],
                              red(dict(versions[3]))])
        self.post(control, tw, [versions[1], other, versions[2]])
        oid = base["id"]
        routes = ["objects/", "objects/?match[version]=last", "objects/?match[version]=first",
                  "objects/?match[version]=all", "objects/?match[version]=first,last",
                  "objects/%s/" % oid, "objects/%s/?match[version]=first" % oid,
                  "objects/%s/versions/" % oid, "manifest/", "manifest/?match[version]=first",
                  "objects/?match[version]=2024-03-01T00:00:00.000Z"]
        for route in routes:
            got = canonical([snapshot(n.request("GET", self.collection_path(mixed, route),
                                                token=tr))])
            want = canonical([snapshot(n.request("GET", self.collection_path(control, route),
                                                 token=tr))])
            self.assertEqual(got, want, route)
        r = n.request("GET", self.collection_path(mixed, "objects/%s/" % oid), token=tr)
        self.assertEqual([o["name"] for o in r.json()["objects"]], ["v3"])
        # The writer, who sees every version, gets the stored last.
        r = n.request("GET", self.collection_path(mixed, "objects/%s/" % oid), token=tw)
        self.assertEqual([o["name"] for o in r.json()["objects"]], ["v4"])
        # `entente export --as` shows what that organisation's tokens see: the same.
        bundle = json.loads(n.ok("export", "--collection", mixed, "--as", "reader"))
        self.assertEqual([o["name"] for o in bundle["objects"] if o["id"] == oid], ["v3"])


if __name__ == "__main__":
    import unittest
    unittest.main()
