#!/usr/bin/env python3
"""bench_sighting_latency: how long from a sensor's log line on a member's node to the
sighting being readable on the indicator's source node (issue 14: "On loopback, a hit on
one node is readable as a sighting on the source node within 1 s at p99").

  ENTENTE_BIN=build/entente python3 bench/federation/bench_sighting_latency.py \
      [--samples 100] [--indicators 1000]

Two real nodes on loopback, both running `entente serve` with federation on (default poll
interval): the source (FR) holds INDICATORS domain-name indicators of its analysts; the
member (DE) pulls them and pushes its collection back (the publisher declared as living
there). On the member, `entente sense --follow` reads a Zeek dns.log (flush every 50 ms).
Each sample appends one line naming a domain no line named before - so it makes a new
sighting - and polls the source over TAXII (every 5 ms, as the publisher's analysts) until
that sighting is readable there. Prints p50/p99/max in milliseconds as a JSON line and a
summary. Not a test: no thresholds.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "federation"))
from fedharness import BIN, TLP, Node  # noqa: E402

HEADER = ("#separator \\x09\n#path\tdns\n"
          "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tquery\n"
          "#types\ttime\tstring\taddr\tport\taddr\tport\tstring\n")


def percentile(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1))))]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--samples", type=int, default=100)
    ap.add_argument("--indicators", type=int, default=1000)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="entente-sightlat-")
    nodes, sensor = [], None
    try:
        s = Node(tmp, "source", "FR")
        m = Node(tmp, "member", "DE")
        nodes += [s, m]
        pub = s.org("analysts")
        s.org("cert-de")
        s_col = s.collection("feed", ["analysts", "cert-de"], ["analysts", "cert-de"], "clear")
        m.org("sensor", "--sector", "energy")
        m_col = m.collection("local", ["sensor"], ["sensor"], "clear")
        now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
        domains = ["c2-%d-%s.example" % (i, uuid.uuid4().hex[:6]) for i in range(args.indicators)]
        objects = [{"type": "indicator", "spec_version": "2.1",
                    "id": "indicator--" + str(uuid.uuid4()), "created": now, "modified": now,
                    "valid_from": now, "pattern_type": "stix", "created_by_ref": pub,
                    "pattern": "[domain-name:value = '%s']" % d,
                    "object_marking_refs": [TLP["clear"]]} for d in domains]
        s.ingest(s_col, "analysts", objects, tmp)
        analysts = s.token("analysts")
        s.start()
        # The member's sensor organisation makes the sightings; its node's peer entry says
        # the publisher lives on the source.
        m.start()
        r = m.peer("add", "source", "--url", s.url(), "--token", s.token("cert-de"),
                   "--jurisdiction", "FR", "--recipient", pub,
                   "--pull", "%s:%s" % (s_col, m_col), "--push", "%s:%s" % (m_col, s_col))
        if r.returncode != 0:
            raise SystemExit(r.stdout + r.stderr)
        deadline = time.time() + 120
        while time.time() < deadline:
            bundle = json.loads(m.ok("export", "--collection", m_col))
            if len(bundle.get("objects", [])) >= args.indicators:
                break
            time.sleep(0.2)
        else:
            raise SystemExit("the member never received the indicators")
        log = os.path.join(tmp, "dns.log")
        with open(log, "w") as f:
            f.write(HEADER)
        err = open(os.path.join(tmp, "sense.err"), "w")
        sensor = subprocess.Popen(
            [BIN, "sense", "--data", m.dir, "--as", "sensor", "--collection", m_col,
             "--follow", "--flush-ms", "50", "zeek:" + log], stdout=subprocess.PIPE,
            stderr=err, text=True)
        time.sleep(1.0)  # the feed is loaded
        path = "/api/collections/%s/objects/?match[type]=sighting" % s_col
        latencies = []
        for i in range(args.samples):
            domain = domains[i % len(domains)]
            t0 = time.time()
            with open(log, "a") as f:
                f.write("%.6f\tS%d\t10.0.0.8\t5353\t10.0.0.53\t53\t%s\n" % (t0, i, domain))
            want = objects[i % len(objects)]["id"]
            # Only what was added lately (the collection fills with sightings; a page holds
            # at most the server's page size).
            since = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t0 - 2)) + ".000000Z"
            while True:
                status, body = s.request("GET", path + "&added_after=" + since, analysts)
                if status == 200 and any(o.get("sighting_of_ref") == want
                                         for o in (body or {}).get("objects", [])):
                    break
                if time.time() - t0 > 30:
                    raise SystemExit("sample %d never arrived: %s" % (i, s.log()[-2000:]))
                time.sleep(0.005)
            latencies.append((time.time() - t0) * 1000.0)
        result = {"samples": len(latencies),
                  "p50_ms": round(statistics.median(latencies), 1),
                  "p99_ms": round(percentile(latencies, 99), 1),
                  "max_ms": round(max(latencies), 1)}
        print(json.dumps(result))
        print("line on the member -> sighting readable on the source: p50 %.0f ms, "
              "p99 %.0f ms, max %.0f ms (%d samples)" % (result["p50_ms"], result["p99_ms"],
                                                         result["max_ms"], len(latencies)))
    finally:
        if sensor is not None and sensor.poll() is None:
            sensor.terminate()
            sensor.wait(timeout=30)
        for n in nodes:
            n.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
