"""`entente sense` (issue 14, first version): a member's Suricata and Zeek logs matched on
its own node against the indicators it may read, and what was seen stored as STIX 2.1
sightings - one per indicator and hour, with the number of events, labelled TLP:AMBER for
the indicator's creator, so that the creator reads them and nobody else does.

Driven through the real binary, as an operator would; the logs are the EVE lines written
for the tests (src/telemetry/testdata/eve/) and a Zeek log written here.
"""
import json
import os
import unittest

import harness

EVE = os.path.join(os.path.dirname(__file__), "..", "..", "src", "telemetry", "testdata", "eve",
                   "authored-eve-small.json")
PUBLISHER = "identity--0a000000-0000-4000-8000-0000000000aa"
CLEAR = harness.TLP["clear"]
AMBER = harness.TLP["amber"]


def indicator(n, pattern):
    return {"type": "indicator", "spec_version": "2.1",
            "id": "indicator--%08d-1111-4111-8111-111111111111" % n,
            "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z",
            "created_by_ref": PUBLISHER, "pattern": pattern, "pattern_type": "stix",
            "valid_from": "2024-01-01T00:00:00Z", "object_marking_refs": [CLEAR]}


INDICATORS = [indicator(1, "[domain-name:value = 'tracker.example']"),
              indicator(2, "[ipv4-addr:value = '192.0.2.10']"),
              indicator(3, "[domain-name:value = 'never-seen.example']")]


class SenseTest(harness.NodeTest):
    def setUp(self):
        super().setUp()
        n = self.node
        n.add_org("pub", "--identity", PUBLISHER)
        self.sensor_identity = n.add_org("sensor", "--sector", "energy")
        n.add_org("other")
        self.coll = n.collection("shared", read=["pub", "sensor", "other"],
                                 write=["pub", "sensor"], tlp="clear")
        path = os.path.join(self.tmp, "indicators.json")
        with open(path, "w") as f:
            json.dump({"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
                       "objects": INDICATORS}, f)
        n.ok("ingest", "--collection", self.coll, "--as", "pub", path)

    def sightings(self, org):
        bundle = json.loads(self.node.ok("export", "--collection", self.coll, "--as", org))
        return {o["sighting_of_ref"]: o for o in bundle["objects"] if o["type"] == "sighting"}

    def test_eve_hits_become_sightings_the_creator_reads(self):
        out = self.node.ok("sense", "--as", "sensor", "--collection", self.coll,
                           "--format", "eve", EVE)
        self.assertIn("lines 8, records 8, refused 0, indicators 3, hits 7, sightings 2", out)
        got = self.sightings("pub")
        self.assertEqual(set(got), {INDICATORS[0]["id"], INDICATORS[1]["id"]})
        # 192.0.2.10 is in six of the eight lines (once each, however many fields hold it).
        address = got[INDICATORS[1]["id"]]
        self.assertEqual(address["count"], 6)
        self.assertEqual(address["first_seen"], "2024-03-05T13:01:09.820360Z")
        self.assertEqual(address["last_seen"], "2024-03-05T13:51:50.666597Z")
        self.assertEqual(got[INDICATORS[0]["id"]]["count"], 1)
        # STIX 2.1 §5.2: who saw it; the sighting is the sensor organisation's own object.
        self.assertEqual(address["where_sighted_refs"], [self.sensor_identity])
        self.assertEqual(address["created_by_ref"], self.sensor_identity)
        self.assertEqual(address["object_marking_refs"], [AMBER])
        self.assertNotIn("observed_data_refs", address)  # raw telemetry stays home
        # TLP:AMBER for the indicator's creator: another reader of the collection sees none.
        self.assertEqual(self.sightings("other"), {})
        self.assertEqual(len(self.sightings("sensor")), 2)  # its own
        # What was stored is valid STIX 2.1.
        bundle = os.path.join(self.tmp, "out.json")
        with open(bundle, "w") as f:
            f.write(self.node.ok("export", "--collection", self.coll, "--as", "pub"))
        self.node.ok("validate", bundle)

    def test_sector_and_country_do_not_name_the_organisation(self):
        self.node.ok("sense", "--as", "sensor", "--collection", self.coll, "--format", "eve",
                     "--where", "sector-and-country", EVE)
        text = self.node.ok("export", "--collection", self.coll, "--as", "pub")
        got = self.sightings("pub")
        self.assertEqual(len(got), 2)
        for s in got.values():
            self.assertNotIn("created_by_ref", s)
            self.assertEqual(len(s["where_sighted_refs"]), 2)
        # Nothing the publisher receives names the sensor organisation.
        self.assertNotIn(self.sensor_identity, text)

    def test_zeek_log_and_refused_lines(self):
        log = os.path.join(self.tmp, "dns.log")
        fields = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "query"]
        types = ["time", "string", "addr", "port", "addr", "port", "string"]
        with open(log, "w") as f:
            f.write("#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n"
                    "#unset_field\t-\n#path\tdns\n#open\t2024-03-05-10-00-00\n")
            f.write("#fields\t" + "\t".join(fields) + "\n#types\t" + "\t".join(types) + "\n")
            f.write("1709643600.000000\tC1\t198.51.100.7\t5353\t198.51.100.53\t53\t"
                    "tracker.example\n")
            f.write("1709643601.000000\tC2\tnot-an-address\t5353\t198.51.100.53\t53\tx.example\n")
            f.write("1709643602.500000\tC3\t198.51.100.8\t5353\t198.51.100.53\t53\t"
                    "tracker.example\n")
            f.write("#close\t2024-03-05-11-00-00\n")
        r = self.node.cli("sense", "--as", "sensor", "--collection", self.coll,
                          "--format", "zeek", log)
        # Issue 14, bad input: the line is skipped with a message naming file, line and
        # field; the stream goes on, and the exit code says something was refused.
        self.assertEqual(r.returncode, 1, r)
        self.assertIn("dns.log:10:", r.stderr)
        self.assertIn("id.orig_h", r.stderr)
        self.assertIn("refused 1", r.stdout)
        got = self.sightings("pub")
        self.assertEqual(got[INDICATORS[0]["id"]]["count"], 2)
        self.assertEqual(got[INDICATORS[0]["id"]]["first_seen"], "2024-03-05T13:00:00.000000Z")

    def test_usage_errors(self):
        r = self.node.cli("sense", "--as", "nobody", "--collection", self.coll,
                          "--format", "eve", EVE)
        self.assertEqual(r.returncode, 1, r)
        self.assertIn("unknown organisation 'nobody'", r.stderr)
        r = self.node.cli("sense", "--as", "sensor", "--collection", self.coll,
                          "--format", "pcap", EVE)
        self.assertEqual(r.returncode, 2, r)
        self.assertIn("--format", r.stderr)


if __name__ == "__main__":
    unittest.main()
