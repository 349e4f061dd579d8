"""Sightings back to the source (issue 14): real `entente` nodes on loopback, rounds
driven with `entente peer sync`, sensor logs read by `entente sense` on a member's node.

A sighting made by `entente sense` is TLP:AMBER with the indicator's creator as its
recipient (docs/sharing-rules.md, "Sightings"). A peer speaks only for the organisations
declared to live there (the ingress rule), so the node an indicator came from is one where
its creator is declared: the sighting can go back that way, and the egress gate keeps it
from every node where the creator is not declared. These tests check, on the receiving
nodes and by what their analysts can read over TAXII:

- two nodes: Suricata EVE, Zeek TSV and Zeek JSON logs on the member's node give exactly
  the expected sightings on the source node (one per indicator and hour, the counts of
  all three logs added up), readable by the indicator's creator and nobody else there;
  a sighting of an indicator made on the member's node stays home (`peer explain` says
  why); anonymised sightings name no organisation;
- three nodes and a bystander: a relay forwards a sighting toward the source and not to a
  peer where the creator is not declared.
"""
import json
import os
import unittest
import uuid

from fedharness import TLP, FederationCase

HERE = os.path.dirname(os.path.abspath(__file__))
EVE = os.path.join(HERE, "..", "..", "src", "telemetry", "testdata", "eve",
                   "authored-eve-small.json")

ZEEK_DNS_HEADER = (
    "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n"
    "#path\tdns\n#open\t2024-03-05-13-00-00\n"
    "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tquery\n"
    "#types\ttime\tstring\taddr\tport\taddr\tport\tstring\n")


def zeek_dns(t, query):
    return "%d.000000\tC%d\t198.51.100.7\t5353\t198.51.100.53\t53\t%s\n" % (t, t, query)


def zeek_json_dns(t, query):
    return json.dumps({"_path": "dns", "ts": t, "uid": "J%d" % t, "id.orig_h": "198.51.100.9",
                       "id.orig_p": 5353, "id.resp_h": "198.51.100.53", "id.resp_p": 53,
                       "query": query}) + "\n"


def indicator(creator, pattern, tlp="clear"):
    return {"type": "indicator", "spec_version": "2.1",
            "id": "indicator--" + str(uuid.uuid4()),
            "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z",
            "pattern": pattern, "pattern_type": "stix", "valid_from": "2024-01-01T00:00:00Z",
            "created_by_ref": creator, "object_marking_refs": [TLP[tlp]]}


class SightingsCase(FederationCase):
    def link(self, src, dst, dst_inbound_org, *extra):
        """src pushes its collection into dst's, presenting a token of dst's organisation
        `dst_inbound_org`."""
        r = src.peer("add", dst.name, "--url", dst.url(), "--token",
                     dst.token(dst_inbound_org), "--jurisdiction", dst.jurisdiction,
                     "--push", "%s:%s" % (src.col, dst.col), *extra)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def sync(self, node, peer):
        rc, counts, err = node.sync(peer)
        self.assertEqual(rc, 0, err)
        return counts

    def objects(self, node, token, kind):
        """What an analyst holding `token` reads of `kind` over TAXII: id -> object."""
        status, body = node.request(
            "GET", "/api/collections/%s/objects/?match[type]=%s" % (node.col, kind), token)
        self.assertEqual(status, 200, body)
        return {o["id"]: o for o in (body or {}).get("objects", [])}

    def sightings_of(self, node, token):
        return {o["sighting_of_ref"]: o for o in self.objects(node, token, "sighting").values()}

    def everything(self, node):
        return node.ok("export", "--collection", node.col, "--all-versions")

    def write_logs(self):
        """The member's three sensors: Suricata (EVE), Zeek (TSV) and Zeek (JSON), all in
        the hour 2024-03-05T13 of the EVE lines."""
        zeek = os.path.join(self.tmp, "dns.log")
        with open(zeek, "w") as f:
            f.write(ZEEK_DNS_HEADER)
            f.write(zeek_dns(1709643600, "tracker.example"))
            f.write(zeek_dns(1709643601, "local.example"))
            f.write(zeek_dns(1709643602, "tracker.example"))
            f.write("#close\t2024-03-05-14-00-00\n")
        zeek_json = os.path.join(self.tmp, "dns.json")
        with open(zeek_json, "w") as f:
            f.write(zeek_json_dns(1709643700.25, "tracker.example"))
            f.write(zeek_json_dns(1709643701.5, "quiet.example"))
        return ["eve:" + EVE, "zeek:" + zeek, "zeek-json:" + zeek_json]


class TwoNodes(SightingsCase):
    def setUp(self):
        super().setUp()
        s = self.node("source", "FR")
        m = self.node("member", "DE")
        s.jurisdiction, m.jurisdiction = "FR", "DE"
        self.pub = s.org("pub")
        self.pub2 = s.org("pub2")
        s.org("bystander")
        s.org("from-m")
        s.col = s.collection("feed", ["pub", "pub2", "bystander", "from-m"],
                             ["pub", "pub2", "from-m"], tlp="clear")
        self.sensor = m.org("sensor", "--sector", "energy")
        self.analyst_m = m.org("analyst-m")
        m.org("from-s")
        m.col = m.collection("shared", ["sensor", "analyst-m", "from-s"],
                             ["sensor", "analyst-m", "from-s"], tlp="clear")
        for n in (s, m):
            n.start(extra=["--no-federation"])
        # Each side declares who lives on the other (a peer speaks for them only).
        self.link(s, m, "from-s", "--local-org", "from-m", "--recipient", self.sensor)
        self.link(m, s, "from-m", "--local-org", "from-s", "--recipient", self.pub,
                  "--recipient", self.pub2)
        self.s, self.m = s, m
        self.i_domain = indicator(self.pub, "[domain-name:value = 'tracker.example']")
        self.i_address = indicator(self.pub2, "[ipv4-addr:value = '192.0.2.10']")
        self.i_quiet = indicator(self.pub, "[domain-name:value = 'never-seen.example']")
        s.post(s.col, s.token("pub"), [self.i_domain, self.i_quiet])
        s.post(s.col, s.token("pub2"), [self.i_address])
        self.i_local = indicator(self.analyst_m, "[domain-name:value = 'local.example']")
        m.post(m.col, m.token("analyst-m"), [self.i_local])
        self.assertEqual(self.sync(s, "member").get("pushed"), 3)

    def test_sightings_reach_the_creator_on_the_source_node_and_nobody_else(self):
        s, m = self.s, self.m
        out = m.ok("sense", "--as", "sensor", "--collection", m.col, "--no-decay",
                   *self.write_logs())
        # 8 EVE lines, 12 Zeek TSV lines (8 header lines, 3 records, #close), 2 Zeek JSON.
        self.assertIn("lines 22, records 13, refused 0, indicators 4, hits 11, sightings 3",
                      out)
        self.sync(m, "source")
        pub = self.sightings_of(s, s.token("pub"))
        pub2 = self.sightings_of(s, s.token("pub2"))
        # One sighting per indicator and hour, whatever sensor saw it: tracker.example once
        # in EVE, twice in Zeek TSV, once in Zeek JSON.
        self.assertEqual(set(pub), {self.i_domain["id"]})
        self.assertEqual(pub[self.i_domain["id"]]["count"], 4)
        self.assertEqual(pub[self.i_domain["id"]]["first_seen"], "2024-03-05T13:00:00.000000Z")
        self.assertEqual(pub[self.i_domain["id"]]["last_seen"], "2024-03-05T13:07:20.910626Z")
        self.assertEqual(pub[self.i_domain["id"]]["where_sighted_refs"][0], self.sensor)
        self.assertEqual(set(pub2), {self.i_address["id"]})
        self.assertEqual(pub2[self.i_address["id"]]["count"], 6)
        # TLP:AMBER for the creator: a bystander reading the same collection sees none.
        self.assertEqual(self.sightings_of(s, s.token("bystander")), {})
        # The sighting of the member's own indicator stayed home, and explain says why.
        text = self.everything(s)
        self.assertNotIn(self.i_local["id"],
                         [o.get("sighting_of_ref") for o in json.loads(text)["objects"]])
        local = [o for o in json.loads(self.everything(m))["objects"]
                 if o.get("sighting_of_ref") == self.i_local["id"]]
        self.assertEqual(len(local), 1)
        r = m.peer("explain", "source", "--collection", m.col, "--object", local[0]["id"])
        self.assertIn("decision: withhold", r.stdout, r)
        self.assertIn("TLP:AMBER: no named recipient lives on source", r.stdout, r)
        # Raw telemetry never left: no observed-data, no client addresses of the logs.
        self.assertNotIn("observed-data", text)
        self.assertNotIn("198.51.100.7", text)

    def test_anonymised_sightings_name_no_organisation(self):
        s, m = self.s, self.m
        m.ok("sense", "--as", "sensor", "--collection", m.col, "--no-decay",
             "--where", "sector-and-country", *self.write_logs())
        self.sync(m, "source")
        pub = self.sightings_of(s, s.token("pub"))
        got = pub[self.i_domain["id"]]
        self.assertEqual(got["count"], 4)
        self.assertNotIn("created_by_ref", got)
        identity_id, location_id = got["where_sighted_refs"]
        # The identity and location it names arrived too, and say only sector and country.
        identities = self.objects(s, s.token("pub"), "identity")
        locations = self.objects(s, s.token("pub"), "location")
        self.assertEqual(identities[identity_id]["sectors"], ["energy"])
        self.assertEqual(locations[location_id]["country"], "FR")
        self.assertNotIn(self.sensor, self.everything(s))

    def test_a_later_run_updates_the_same_sighting_on_the_source(self):
        s, m = self.s, self.m
        logs = self.write_logs()
        m.ok("sense", "--as", "sensor", "--collection", m.col, "--no-decay", *logs)
        self.sync(m, "source")
        first = self.sightings_of(s, s.token("pub"))[self.i_domain["id"]]
        with open(logs[1][len("zeek:"):], "a") as f:
            f.write(zeek_dns(1709643900, "tracker.example"))
        out = m.ok("sense", "--as", "sensor", "--collection", m.col, "--no-decay", *logs)
        self.assertIn("lines 1, records 1", out)
        self.sync(m, "source")
        again = self.sightings_of(s, s.token("pub"))[self.i_domain["id"]]
        self.assertEqual(again["id"], first["id"])  # a new version of the same sighting
        self.assertEqual(again["count"], 5)
        self.assertGreater(again["modified"], first["modified"])


class ThreeNodes(SightingsCase):
    def test_a_relay_forwards_toward_the_source_only(self):
        s = self.node("source", "FR")
        r = self.node("relay", "BE")
        m = self.node("member", "DE")
        x = self.node("bystander", "US")
        s.jurisdiction, r.jurisdiction, m.jurisdiction, x.jurisdiction = "FR", "BE", "DE", "US"
        pub = s.org("pub")
        s.org("from-r")
        s.col = s.collection("feed", ["pub", "from-r"], ["pub", "from-r"], tlp="clear")
        for org in ("from-s", "from-m", "reader"):
            r.org(org)
        r.col = r.collection("hub", ["from-s", "from-m", "reader"], ["from-s", "from-m"],
                             tlp="clear")
        sensor = m.org("sensor", "--sector", "health")
        m.org("from-r")
        m.col = m.collection("shared", ["sensor", "from-r"], ["sensor", "from-r"], tlp="clear")
        x.org("from-r")
        x.org("analyst-x")
        x.col = x.collection("in", ["from-r", "analyst-x"], ["from-r"], tlp="clear")
        for n in (s, r, m, x):
            n.start(extra=["--no-federation"])
        self.link(s, r, "from-s", "--local-org", "from-r", "--recipient", sensor)
        self.link(r, s, "from-r", "--local-org", "from-s", "--recipient", pub)
        self.link(r, m, "from-r", "--local-org", "from-m", "--recipient", sensor)
        self.link(m, r, "from-m", "--local-org", "from-r", "--recipient", pub)
        self.link(r, x, "from-r")  # x hosts neither the creator nor the sensor
        i = indicator(pub, "[domain-name:value = 'tracker.example']")
        s.post(s.col, s.token("pub"), [i])
        self.sync(s, "relay")
        self.sync(r, "member")
        self.sync(r, "bystander")
        m.ok("sense", "--as", "sensor", "--collection", m.col, "--no-decay",
             *self.write_logs())
        self.sync(m, "relay")
        self.sync(r, "source")
        self.sync(r, "bystander")
        got = self.sightings_of(s, s.token("pub"))
        self.assertEqual(got[i["id"]]["count"], 4)
        # The bystander node received the (CLEAR) indicator but never the sighting.
        self.assertIn(i["id"], self.everything(x))
        self.assertNotIn("sighting", json.dumps(
            [o["type"] for o in json.loads(self.everything(x))["objects"]]))
        sighting_id = got[i["id"]]["id"]
        out = r.peer("explain", "bystander", "--collection", r.col, "--object", sighting_id)
        self.assertIn("decision: withhold", out.stdout, out)
        self.assertIn("TLP:AMBER: no named recipient lives on bystander", out.stdout, out)
        # The relay's own analysts do not read it either (AMBER for the creator).
        self.assertEqual(self.sightings_of(r, r.token("reader")), {})


if __name__ == "__main__":
    unittest.main()
