"""Who else saw it (issue 14: "See who else saw it: on any node, for an indicator or an
observable value, the sightings it may see from all organisations and nations - counts by
country, sector and day - from the CLI, over TAXII, and as JSON for the dashboard").

Sightings are POSTed over TAXII by two sighting organisations of different countries and
sectors, at different TLPs, of indicators at different TLPs; each reader asks
`GET /api/x-entente/seen/?value=...` and `entente seen`. The hostile-partner rule: what a
reader may not see changes nothing in its answer, checked by asking a second node that
holds only what that reader may see, and comparing the answers byte for byte.
"""
import json
import unittest
import urllib.parse

import harness
from harness import AUDIENCE_EXT, TLP

PUB = "identity--0a000000-0000-4000-8000-0000000000aa"
ALPHA = "identity--0b000000-0000-4000-8000-0000000000bb"
BETA = "identity--0c000000-0000-4000-8000-0000000000cc"
GAMMA = "identity--0d000000-0000-4000-8000-0000000000dd"
LOC_DE = "location--1d000000-0000-4000-8000-0000000000de"
LOC_FR = "location--1f000000-0000-4000-8000-0000000000f0"
FINANCE_FR = "identity--2f000000-0000-4000-8000-0000000000f1"
VALUE = "198.51.100.7"
HIDDEN_ONLY = "203.0.113.9"  # held only by the indicator beta may not see
I1 = "indicator--31000000-0000-4000-8000-000000000001"
I2 = "indicator--32000000-0000-4000-8000-000000000002"
NOWHERE = "indicator--39000000-0000-4000-8000-000000000009"
T0 = "2026-01-01T00:00:00.000Z"


def marked(obj, tlp, recipients=None):
    obj["object_marking_refs"] = [TLP[tlp]]
    if recipients:
        obj.setdefault("extensions", {})[AUDIENCE_EXT] = {
            "extension_type": "property-extension", "recipients": recipients}
    return obj


def indicator(oid, pattern, tlp, recipients=None):
    return marked({"type": "indicator", "spec_version": "2.1", "id": oid, "created": T0,
                   "modified": T0, "created_by_ref": PUB, "pattern": pattern,
                   "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z"},
                  tlp, recipients)


def sighting(n, of, modified, count, day, where, tlp, recipients=None):
    return marked({"type": "sighting", "spec_version": "2.1",
                   "id": "sighting--4%07d-0000-4000-8000-000000000000" % n,
                   "created": "2026-03-01T00:00:00.000Z", "modified": modified,
                   "sighting_of_ref": of, "count": count,
                   "first_seen": day + "T10:00:00Z", "last_seen": day + "T10:59:00Z",
                   "where_sighted_refs": where}, tlp, recipients)


def identity(oid, name, sectors, cls="organization"):
    return marked({"type": "identity", "spec_version": "2.1", "id": oid, "created": T0,
                   "modified": T0, "name": name, "identity_class": cls, "sectors": sectors},
                  "clear")


def location(oid, country):
    return marked({"type": "location", "spec_version": "2.1", "id": oid, "created": T0,
                   "modified": T0, "country": country}, "clear")


# What each organisation POSTs. Objects marked `hidden` are those beta may not see.
PUBLISHED = [
    (False, indicator(I1, "[ipv4-addr:value = '%s']" % VALUE, "clear")),
    # AMBER, for alpha only: beta may not see it.
    (True, indicator(I2, "[ipv4-addr:value = '%s' OR ipv4-addr:value = '%s']"
                     % (VALUE, HIDDEN_ONLY), "amber", [ALPHA])),
]
ALPHA_POSTS = [
    (False, identity(ALPHA, "alpha", ["energy"])),
    (False, location(LOC_DE, "DE")),
    # Two versions of one sighting: the later carries the running count.
    (False, sighting(1, I1, "2026-03-04T10:30:00.000Z", 3, "2026-03-04", [ALPHA, LOC_DE],
                     "clear")),
    (False, sighting(1, I1, "2026-03-04T11:00:00.000Z", 4, "2026-03-04", [ALPHA, LOC_DE],
                     "clear")),
    # AMBER for the publisher: beta may not see it.
    (True, sighting(2, I1, "2026-03-04T11:00:00.000Z", 7, "2026-03-04", [ALPHA, LOC_DE],
                    "amber", [PUB])),
    # A sighting beta may see, of an indicator it may not see.
    (True, sighting(3, I2, "2026-03-04T11:00:00.000Z", 11, "2026-03-04", [ALPHA, LOC_DE],
                    "clear")),
]
BETA_POSTS = [
    # Anonymised as the aggregator does: a sector identity and a country.
    (False, identity(FINANCE_FR, "an organisation of sector finance in FR", ["finance"],
                     "class")),
    (False, location(LOC_FR, "FR")),
    (False, sighting(4, I1, "2026-03-05T11:00:00.000Z", 5, "2026-03-05", [FINANCE_FR, LOC_FR],
                     "green")),
]


class SeenTest(harness.NodeTest):
    def setUp(self):
        super().setUp()
        self.tokens, self.coll = self.populate(self.node, with_hidden=True)

    def populate(self, node, with_hidden):
        for org, ident, country, sector in (("pub", PUB, "FR", "government"),
                                            ("alpha", ALPHA, "DE", "energy"),
                                            ("beta", BETA, "FR", "finance"),
                                            ("gamma", GAMMA, "DE", "transport")):
            node.ok("org", "add", org, "--name", org, "--country", country, "--sector", sector,
                    "--identity", ident)
        members = ["pub", "alpha", "beta"]
        coll = node.collection("shared", read=members, write=members, tlp="green")
        tokens = {org: node.token(org) for org in members + ["gamma"]}
        node.start()
        for org, posts in (("pub", PUBLISHED), ("alpha", ALPHA_POSTS), ("beta", BETA_POSTS)):
            # One envelope per version, in order, so that later versions come later.
            for hidden, obj in posts:
                if hidden and not with_hidden:
                    continue
                r = node.request("POST", "/api/collections/%s/objects/" % coll,
                                 token=tokens[org], body={"objects": [obj]})
                self.assertEqual(r.status, 202, r)
                status = r.json()
                if status["status"] != "complete":
                    status = harness.wait_status(node, tokens[org],
                                                 "/api/status/%s/" % status["id"])
                self.assertEqual(status["success_count"], 1, status)
        return tokens, coll

    def seen(self, token, node=None, **params):
        node = node or self.node
        r = node.request("GET", "/api/x-entente/seen/?" + urllib.parse.urlencode(params),
                         token=token)
        return r

    def seen_json(self, token, node=None, **params):
        r = self.seen(token, node, **params)
        self.assertEqual(r.status, 200, r)
        return r.json()

    def test_each_reader_counts_what_it_may_see(self):
        # pub and alpha see both indicators and all four sightings (the newest version
        # of sighting 1: 4, not 3 + 4).
        for org in ("pub", "alpha"):
            got = self.seen_json(self.tokens[org], value=VALUE)
            self.assertEqual(got, {
                "query": {"value": VALUE}, "indicators": [I1, I2], "sightings": 4,
                "total": 4 + 7 + 11 + 5,
                "by_country": {"DE": 22, "FR": 5}, "by_sector": {"energy": 22, "finance": 5},
                "by_day": {"2026-03-04": 22, "2026-03-05": 5}}, org)
        got = self.seen_json(self.tokens["beta"], value=VALUE)
        self.assertEqual(got, {
            "query": {"value": VALUE}, "indicators": [I1], "sightings": 2, "total": 9,
            "by_country": {"DE": 4, "FR": 5}, "by_sector": {"energy": 4, "finance": 5},
            "by_day": {"2026-03-04": 4, "2026-03-05": 5}})
        # gamma reads no collection: nothing at all.
        self.assertEqual(self.seen_json(self.tokens["gamma"], value=VALUE)["indicators"], [])
        self.assertEqual(self.seen_json(self.tokens["gamma"], value=VALUE)["total"], 0)
        # By indicator.
        got = self.seen_json(self.tokens["pub"], indicator=I2)
        self.assertEqual((got["indicators"], got["total"]), ([I2], 11))

    def test_what_beta_may_not_see_changes_nothing(self):
        # A second node holding only what beta may see: beta's answers must be identical,
        # byte for byte and status for status, for every question.
        twin_node = self.fresh_node("twin")
        twin_tokens, _ = self.populate(twin_node, with_hidden=False)
        questions = [{"value": VALUE}, {"value": HIDDEN_ONLY}, {"indicator": I1},
                     {"indicator": I2}, {"indicator": NOWHERE}, {"value": I2},
                     {"value": "never.example"}]
        for q in questions:
            here = self.seen(self.tokens["beta"], **q)
            there = self.seen(twin_tokens["beta"], twin_node, **q)
            self.assertEqual((here.status, here.body), (there.status, there.body), q)
        # The hidden indicator answers exactly as one that does not exist.
        hidden = self.seen_json(self.tokens["beta"], indicator=I2)
        absent = self.seen_json(self.tokens["beta"], indicator=NOWHERE)
        self.assertEqual({k: v for k, v in hidden.items() if k != "query"},
                         {k: v for k, v in absent.items() if k != "query"})
        self.assertEqual(hidden["indicators"], [])

    def test_cli_gives_the_same_answer(self):
        for org in ("pub", "beta"):
            out = self.node.ok("seen", "--as", org, "--json", VALUE)
            self.assertEqual(json.loads(out), self.seen_json(self.tokens[org], value=VALUE))
        out = self.node.ok("seen", "--as", "beta", VALUE)
        self.assertIn("1 indicator(s), 2 sighting(s), seen 9 time(s)", out)
        self.assertIn(I1, out)
        self.assertNotIn(I2, out)
        lines = [line.split() for line in out.splitlines()]
        self.assertIn(["DE", "4"], lines)
        self.assertIn(["finance", "5"], lines)
        self.assertIn(["2026-03-05", "5"], lines)
        # The local operator sees everything.
        self.assertEqual(json.loads(self.node.ok("seen", "--json", VALUE))["total"], 27)
        self.assertEqual(json.loads(self.node.ok("seen", "--json", "--indicator", I2))["total"],
                         11)
        # Usage errors.
        self.assertEqual(self.node.cli("seen", "--as", "beta").returncode, 2)
        self.assertEqual(self.node.cli("seen", "--as", "beta", VALUE, "--indicator", I1)
                         .returncode, 2)
        self.assertEqual(self.node.cli("seen", "--indicator", "sighting--1").returncode, 2)
        self.assertNotEqual(self.node.cli("seen", "--as", "nobody", VALUE).returncode, 0)

    def test_requests_are_checked_before_anything_is_looked_up(self):
        beta = self.tokens["beta"]
        self.assertEqual(self.seen(beta).status, 400)
        self.assertEqual(self.seen(beta, value="").status, 400)
        self.assertEqual(self.seen(beta, value=VALUE, indicator=I1).status, 400)
        self.assertEqual(self.seen(beta, indicator="not-an-indicator").status, 400)
        r = self.node.request("GET", "/api/x-entente/seen/?value=a&value=b", token=beta)
        self.assertEqual(r.status, 400)
        self.assertEqual(self.seen(None, value=VALUE).status, 401)
        r = self.node.request("POST", "/api/x-entente/seen/?value=x", token=beta, body="{}")
        self.assertEqual(r.status, 405)
        self.assertEqual(self.node.request("GET", "/api/x-entente/other/", token=beta).status,
                         404)
        self.assertEqual(self.node.request("GET", "/nope/x-entente/seen/?value=x",
                                           token=beta).status, 404)

    def test_plain_taxii_serves_the_sightings(self):
        # TAXII 2.1 §5.4 match[type]: the sightings beta may read, newest versions.
        r = self.node.request("GET", "/api/collections/%s/objects/?match[type]=sighting"
                              % self.coll, token=self.tokens["beta"])
        self.assertEqual(r.status, 200, r)
        got = {o["id"]: o["count"] for o in r.json()["objects"]}
        self.assertEqual(got, {"sighting--40000001-0000-4000-8000-000000000000": 4,
                               "sighting--40000003-0000-4000-8000-000000000000": 11,
                               "sighting--40000004-0000-4000-8000-000000000000": 5})


if __name__ == "__main__":
    unittest.main()
