"""`entente sense` (issue 14): a member's Suricata and Zeek logs matched on its own node
against the indicators it may read, and what was seen stored as STIX 2.1 sightings - one
per indicator and hour, with the number of events, labelled TLP:AMBER for the indicator's
creator, so that the creator reads them and nobody else does. Reading resumes where it
stopped (also after SIGKILL) without counting a line twice; with --follow the files are
followed as they grow and rotate, and the indicators as they change; decayed indicators
make no sightings, and every suppressed match is reported with its reason.

Driven through the real binary, as an operator would; the logs are the EVE lines written
for the tests (src/telemetry/testdata/eve/) and Zeek logs written here. The logs are from
2024, so the tests that replay them turn the decay off (--no-decay) unless decay is what
they test.
"""
import json
import os
import signal
import subprocess
import time
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
                           "--format", "eve", "--no-decay", EVE)
        self.assertIn("lines 8, records 8, refused 0, indicators 3, hits 7, sightings 2, "
                      "suppressed 0", out)
        got = self.sightings("pub")
        self.assertEqual(set(got), {INDICATORS[0]["id"], INDICATORS[1]["id"]})
        # 192.0.2.10 is in six of the eight lines (once each, however many fields hold it).
        address = got[INDICATORS[1]["id"]]
        self.assertEqual(address["count"], 6)
        self.assertEqual(address["first_seen"], "2024-03-05T13:01:09.820360Z")
        self.assertEqual(address["last_seen"], "2024-03-05T13:51:50.666597Z")
        self.assertEqual(got[INDICATORS[0]["id"]]["count"], 1)
        # STIX 2.1 §5.2: who saw it (an identity and the location of its country); the
        # sighting is the sensor organisation's own object.
        self.assertEqual(address["where_sighted_refs"][0], self.sensor_identity)
        self.assertEqual(len(address["where_sighted_refs"]), 2)
        self.assertTrue(address["where_sighted_refs"][1].startswith("location--"))
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
                     "--where", "sector-and-country", "--no-decay", EVE)
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
                          "--format", "zeek", "--no-decay", log)
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
        # The sightings are the organisation's objects: it must be a writer of the
        # collection, as for a TAXII POST.
        r = self.node.cli("sense", "--as", "other", "--collection", self.coll,
                          "--format", "eve", EVE)
        self.assertEqual(r.returncode, 1, r)
        self.assertIn("may not write to collection", r.stderr)
        r = self.node.cli("sense", "--as", "sensor", "--collection", self.coll,
                          "--format", "pcap", EVE)
        self.assertEqual(r.returncode, 2, r)
        self.assertIn("--format", r.stderr)


    # -- resuming -------------------------------------------------------------------
    def zeek_log(self, name, queries, start=1709643600):
        """A Zeek dns.log (TSV) with one line per query, one second apart."""
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(ZEEK_DNS_HEADER)
            for i, q in enumerate(queries):
                f.write(zeek_dns_line(start + i, q))
        return path

    def follow(self, log, err, *extra):
        """`entente sense --follow` on the Zeek log `log` (stderr to the open file `err`),
        storing sightings within 50 ms and looking at the indicators every 100 ms; killed
        at cleanup if still running."""
        p = subprocess.Popen(
            [harness.BIN, "sense", "--data", self.node.dir, "--as", "sensor",
             "--collection", self.coll, "--format", "zeek", "--no-decay", "--follow",
             "--flush-ms", "50", "--update-every", "0", "--refresh-ms", "100", *extra, log],
            stdout=subprocess.PIPE, stderr=err, text=True)
        self.addCleanup(lambda: p.poll() is None and p.kill())
        return p

    def wait_for_stderr(self, path, text):
        """Waits until the sensor's stderr (the file at `path`) says `text`; fails, showing
        what it said, if it has not within 30 s."""
        deadline = time.time() + 30
        while time.time() < deadline:
            with open(path) as f:
                if text in f.read():
                    return
            time.sleep(0.05)
        with open(path) as f:
            self.fail("the sensor did not say %r within 30 s; it said:\n%s" % (text, f.read()))

    def sense(self, *args):
        return self.node.ok("sense", "--as", "sensor", "--collection", self.coll,
                            "--no-decay", *args)

    def test_a_second_run_resumes_where_the_first_stopped(self):
        log = self.zeek_log("dns.log", ["tracker.example", "benign.example", "tracker.example"])
        out = self.sense("--format", "zeek", log)
        self.assertIn("hits 2, sightings 1", out)
        first = self.sightings("pub")[INDICATORS[0]["id"]]
        self.assertEqual(first["count"], 2)
        # Nothing new: nothing read, no new version.
        out = self.sense("--format", "zeek", log)
        self.assertIn("lines 0,", out)
        self.assertEqual(self.sightings("pub")[INDICATORS[0]["id"]]["modified"],
                         first["modified"])
        # Lines appended: only they are read, and they raise the same sighting's count
        # (a new version of the same object, STIX 2.1 §3.6).
        with open(log, "a") as f:
            f.write(zeek_dns_line(1709643610, "tracker.example"))
        out = self.sense("--format", "zeek", log)
        self.assertIn("lines 1, records 1, refused 0, indicators 3, hits 1, sightings 1", out)
        again = self.sightings("pub")[INDICATORS[0]["id"]]
        self.assertEqual(again["id"], first["id"])
        self.assertEqual(again["count"], 3)
        self.assertEqual(again["first_seen"], first["first_seen"])
        # --from-start forgets the position and the open windows: a new count.
        out = self.sense("--format", "zeek", "--from-start", log)
        self.assertIn("hits 3, sightings 1", out)

    def test_follow_survives_kill_rotation_and_restart_without_double_counting(self):
        """Issue 14, bad input: "nothing already acknowledged is lost or counted twice when
        the process is killed and restarted"; and a log rotated by rename is read to its
        end before the new file."""
        log = self.zeek_log("dns.log", [])
        err = open(os.path.join(self.tmp, "sense.err"), "w")
        self.addCleanup(err.close)

        def start():
            return self.follow(log, err)

        def append(queries, t):
            with open(log, "a") as f:
                for i, q in enumerate(queries):
                    f.write(zeek_dns_line(t + i, q))

        def count():
            s = self.sightings("pub").get(INDICATORS[0]["id"])
            return s["count"] if s else 0

        def wait_for(n):
            deadline = time.time() + 30
            while count() != n and time.time() < deadline:
                time.sleep(0.05)
            if count() != n:
                with open(err.name) as f:
                    self.fail("count %d, not %d; the sensor said:\n%s" % (count(), n, f.read()))

        p = start()
        append(["tracker.example"] * 3, 1709643600)
        wait_for(3)
        p.kill()  # SIGKILL: no goodbye
        p.wait()
        p.stdout.close()
        append(["tracker.example"] * 2 + ["other.example"], 1709643700)
        p = start()
        wait_for(5)
        # Rotation by rename while it runs: the rest of the old file, then the new one.
        append(["tracker.example"], 1709643800)
        os.rename(log, log + ".1")
        with open(log, "w") as f:
            f.write(ZEEK_DNS_HEADER)
            f.write(zeek_dns_line(1709643900, "tracker.example"))
        wait_for(7)
        p.send_signal(signal.SIGTERM)
        out, _ = p.communicate(timeout=30)
        self.assertEqual(p.returncode, 0, out)
        # Started again with nothing new (the same checkpoint: same organisation, collection,
        # format and file), it reads nothing and counts nothing more.
        out = self.sense("--format", "zeek", log)
        self.assertIn("lines 0,", out)
        self.assertEqual(count(), 7)

    def test_a_second_sensor_on_the_same_logs_is_refused_while_the_first_runs(self):
        """Two sensors resuming from one saved position would overwrite each other's
        counts: the second is refused, named, while the first runs."""
        log = self.zeek_log("dns.log", ["tracker.example"])
        errpath = os.path.join(self.tmp, "sense.err")
        err = open(errpath, "w")
        self.addCleanup(err.close)
        p = self.follow(log, err, "--explain")
        self.wait_for_stderr(errpath, "indicators: ")
        r = self.node.cli("sense", "--as", "sensor", "--collection", self.coll,
                          "--format", "zeek", "--no-decay", log)
        self.assertEqual(r.returncode, 1, r)
        self.assertIn("another `entente sense` is reading the same logs", r.stderr)
        # Another name is another saved position: allowed.
        r = self.node.cli("sense", "--as", "sensor", "--collection", self.coll,
                          "--format", "zeek", "--no-decay", "--name", "replay", log)
        self.assertEqual(r.returncode, 0, r)
        p.send_signal(signal.SIGTERM)
        out, _ = p.communicate(timeout=30)
        self.assertEqual(p.returncode, 0, out)
        # Once it stopped, the same command runs.
        r = self.node.cli("sense", "--as", "sensor", "--collection", self.coll,
                          "--format", "zeek", "--no-decay", log)
        self.assertEqual(r.returncode, 0, r)
        self.assertIn("lines 0,", r.stdout)

    def test_follow_matches_indicators_that_arrive_while_it_runs(self):
        """Issue 14: "the index follows new versions, revocations, deletions and expiry
        without a restart and without stopping the stream"."""
        new = indicator(4, "[domain-name:value = 'late.example']")
        # A line before the indicator exists: read with the indicators loaded at the start,
        # before the sensor looks for changes, so it makes no hit.
        log = self.zeek_log("dns.log", ["late.example"])
        errpath = os.path.join(self.tmp, "sense.err")
        err = open(errpath, "w")
        self.addCleanup(err.close)
        p = self.follow(log, err, "--explain")

        def changes():
            with open(errpath) as f:
                return [l for l in f.read().splitlines() if "indicators changed" in l]

        def wait_changes(n):
            deadline = time.time() + 30
            while len(changes()) < n and time.time() < deadline:
                time.sleep(0.05)
            self.assertEqual(len(changes()), n, changes())

        self.wait_for_stderr(errpath, "indicators: ")  # --explain: the indicators are loaded
        self.ingest([new])
        wait_changes(1)
        self.assertIn("1 in, 0 out", changes()[0])
        with open(log, "a") as f:
            f.write(zeek_dns_line(1709643601, "late.example"))
        # Revoked (STIX 2.1 §3.6): no further hit counts.
        revoked = dict(new, modified="2024-02-01T00:00:00.000Z", revoked=True)
        deadline = time.time() + 30
        while new["id"] not in self.sightings("pub") and time.time() < deadline:
            time.sleep(0.05)
        self.assertIn(new["id"], self.sightings("pub"))
        self.ingest([revoked])
        wait_changes(2)
        self.assertIn("0 in, 1 out", changes()[1])
        with open(log, "a") as f:
            f.write(zeek_dns_line(1709643602, "late.example"))
        # A stop reads what the file holds first: the last line counts as read.
        p.send_signal(signal.SIGTERM)
        out, _ = p.communicate(timeout=30)
        self.assertEqual(p.returncode, 0, out)
        self.assertIn("lines 11, records 3, refused 0", out)  # 8 header lines
        self.assertEqual(self.sightings("pub")[new["id"]]["count"], 1)

    def ingest(self, objects):
        path = os.path.join(self.tmp, "more.json")
        with open(path, "w") as f:
            json.dump({"type": "bundle", "id": "bundle--6d0092c5-5f74-4287-9642-33f4c354e56d",
                       "objects": objects}, f)
        self.node.ok("ingest", "--collection", self.coll, "--as", "pub", path)

    # -- suppression ------------------------------------------------------------------
    def test_decayed_indicators_make_no_sightings_and_say_why(self):
        """Issue 14: indicators "below a decay score (a documented, configurable decay by
        indicator type and age) do not produce sightings", and "the reason for every
        suppressed match" is visible. The indicators date from 2024-01-01: under the
        default model a domain lives 90 days and an address 30 (docs/telemetry.md)."""
        out = self.node.ok("sense", "--as", "sensor", "--collection", self.coll,
                           "--format", "eve", EVE)
        self.assertIn("indicators 0, hits 0, sightings 0, suppressed 7", out)
        self.assertIn("suppressed %s: 6 hit(s), decayed (ipv4 score 0.0 < threshold 30.0)"
                      % INDICATORS[1]["id"], out)
        self.assertIn("suppressed %s: 1 hit(s), decayed (domain score 0.0" % INDICATORS[0]["id"],
                      out)
        self.assertEqual(self.sightings("pub"), {})
        # A model that keeps addresses for ten years makes them count again.
        model = os.path.join(self.tmp, "decay.txt")
        with open(model, "w") as f:
            f.write("# addresses stay\nipv4 lifetime=3650d speed=1 threshold=30\n")
        out = self.node.ok("sense", "--as", "sensor", "--collection", self.coll,
                           "--format", "eve", "--decay", model, "--from-start", EVE)
        self.assertIn("indicators 1, hits 6, sightings 1, suppressed 1", out)
        # A malformed model is refused, naming the line.
        with open(model, "w") as f:
            f.write("ipv4 lifetime=forever\n")
        r = self.node.cli("sense", "--as", "sensor", "--collection", self.coll,
                          "--format", "eve", "--decay", model, EVE)
        self.assertEqual(r.returncode, 2, r)
        self.assertIn("line 1", r.stderr)


    def test_warninglisted_indicators_make_no_sightings_unless_overridden(self):
        """Issue 14: an indicator whose value is on one of the node's MISP warninglists
        "is not matched unless an operator overrides it", with the reason visible."""
        wl = os.path.join(self.tmp, "list.json")
        with open(wl, "w") as f:
            json.dump({"name": "Known benign test domains", "version": 1,
                       "description": "domains that are not malicious",
                       "type": "hostname", "list": ["tracker.example"],
                       "matching_attributes": ["domain", "hostname"]}, f)
        self.node.ok("warninglist", "add", wl)
        out = self.sense("--format", "eve", EVE)
        self.assertIn("indicators 2, hits 6, sightings 1, suppressed 1", out)
        self.assertIn("suppressed %s: 1 hit(s), on warninglist Known benign test domains "
                      "(tracker.example)" % INDICATORS[0]["id"], out)
        self.assertEqual(set(self.sightings("pub")), {INDICATORS[1]["id"]})
        # An operator's override lets it match again.
        self.node.ok("warninglist", "override", INDICATORS[0]["id"], "--reason",
                     "the publisher confirmed this one")
        out = self.sense("--format", "eve", "--from-start", EVE)
        self.assertIn("indicators 3, hits 7, sightings 2, suppressed 0", out)

    def test_a_list_added_while_following_takes_effect(self):
        log = self.zeek_log("dns.log", [])
        errpath = os.path.join(self.tmp, "sense.err")
        err = open(errpath, "w")
        self.addCleanup(err.close)
        p = self.follow(log, err)
        with open(log, "a") as f:
            f.write(zeek_dns_line(1709643600, "tracker.example"))
        deadline = time.time() + 30
        while INDICATORS[0]["id"] not in self.sightings("pub") and time.time() < deadline:
            time.sleep(0.05)
        self.assertIn(INDICATORS[0]["id"], self.sightings("pub"))
        wl = os.path.join(self.tmp, "list.json")
        with open(wl, "w") as f:
            json.dump({"name": "Benign", "version": 1, "description": "d", "type": "string",
                       "list": ["tracker.example"], "matching_attributes": ["domain"]}, f)
        self.node.ok("warninglist", "add", wl)
        self.wait_for_stderr(errpath, "warninglists changed")
        with open(log, "a") as f:
            f.write(zeek_dns_line(1709643601, "tracker.example"))
        p.send_signal(signal.SIGTERM)  # the sensor reads what the file holds before it stops
        out, _ = p.communicate(timeout=30)
        self.assertEqual(p.returncode, 0, out)
        self.assertIn("hits 1, sightings 1, suppressed 1", out)
        self.assertIn("on warninglist Benign (tracker.example)", out)
        self.assertEqual(self.sightings("pub")[INDICATORS[0]["id"]]["count"], 1)


    # -- a sensor on another host ------------------------------------------------------
    def test_a_sensor_on_another_host_posts_its_sightings_with_a_token(self):
        """Issue 14: "a sensor can also run on another host and post sightings to the node
        with a token". The remote sensor fetches over TAXII what the token may read, keeps
        its own state folder, and posts its sightings; what the node stores is what a local
        sensor would have stored."""
        n = self.node
        n.start()
        token = n.token("sensor")
        url = "http://127.0.0.1:%d/api/" % n.port
        state = os.path.join(self.tmp, "sensor-state")
        log = self.zeek_log("dns.log", ["tracker.example", "benign.example", "tracker.example"])
        remote = ["sense", "--url", url, "--token", token, "--identity", self.sensor_identity,
                  "--country", "DE", "--collection", self.coll, "--state", state,
                  "--no-decay", "zeek:" + log]
        r = harness.run(remote)
        self.assertEqual(r.returncode, 0, r)
        self.assertIn("indicators 3, hits 2, sightings 1", r.stdout)
        got = self.sightings("pub")[INDICATORS[0]["id"]]
        self.assertEqual(got["count"], 2)
        self.assertEqual(got["created_by_ref"], self.sensor_identity)
        self.assertEqual(self.sightings("other"), {})  # AMBER for the creator, as always
        # Appended lines: the same sighting, a new version, counted once.
        with open(log, "a") as f:
            f.write(zeek_dns_line(1709643610, "tracker.example"))
        r = harness.run(remote)
        self.assertEqual(r.returncode, 0, r)
        self.assertIn("lines 1,", r.stdout)
        again = self.sightings("pub")[INDICATORS[0]["id"]]
        self.assertEqual((again["id"], again["count"]), (got["id"], 3))
        # A token cannot make sightings in another organisation's name: the node refuses
        # them, the sensor says so and keeps them for a later run.
        forged = ["sense", "--url", url, "--token", token, "--identity",
                  n.add_org("victim"), "--collection", self.coll, "--state",
                  os.path.join(self.tmp, "forged-state"), "--no-decay", "zeek:" + log]
        r = harness.run(forged)
        self.assertEqual(r.returncode, 1, r)
        self.assertIn("refused", r.stderr)
        # A node that cannot be reached is named.
        r = harness.run(["sense", "--url", "http://127.0.0.1:9/api/", "--token", token,
                         "--identity", self.sensor_identity, "--collection", self.coll,
                         "--state", os.path.join(self.tmp, "s3"), "--no-decay",
                         "zeek:" + log])
        self.assertEqual(r.returncode, 1, r)
        self.assertIn("cannot fetch the indicators from http://127.0.0.1:9/api/", r.stderr)


ZEEK_DNS_FIELDS = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "query"]
ZEEK_DNS_HEADER = (
    "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n"
    "#path\tdns\n#open\t2024-03-05-10-00-00\n"
    "#fields\t" + "\t".join(ZEEK_DNS_FIELDS) + "\n"
    "#types\ttime\tstring\taddr\tport\taddr\tport\tstring\n")


def zeek_dns_line(t, query):
    return "%d.000000\tC%d\t198.51.100.7\t5353\t198.51.100.53\t53\t%s\n" % (t, t, query)


if __name__ == "__main__":
    unittest.main()
