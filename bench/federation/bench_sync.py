#!/usr/bin/env python3
"""bench_sync: federation between two real `entente serve` processes on loopback.

  ENTENTE_BIN=build/entente python3 bench/federation/bench_sync.py \
      [--count 1000000] [--mode push|pull|both] [--samples 200] [--keep DIR]

For each mode, a fresh pair of nodes: node A (cert-fr, FR) holds a backlog of COUNT
STIX 2.1 indicators (the corpus of bench/store: ~460-byte indicators shaped like
maltrail's feed, one in ten a newer version of an earlier one; ingested before the
clock starts), node B (cert-de, DE) starts empty. The clock starts when the node that
syncs is started (push: A pushes to B; pull: B pulls from A) and stops when B holds
every version (polled through `entente peer list --json` and checked by counting B's
rows at the end). Then, with both nodes idle, SAMPLES single objects are published on A
one at a time (TAXII POST) and polled for on B over TAXII every 2 ms: publish-to-
readable latency, p50/p99/max.

Prints one JSON line per mode (machine-readable) and a human summary. Not a test: no
thresholds. Needs the build's bench/store/bench_store_ingest for the corpus (found next
to ENTENTE_BIN), or --bundle FILE.
"""
import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "federation"))
import fedharness  # noqa: E402
from fedharness import Node, free_port, indicator  # noqa: E402


def machine():
    model = ""
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    return {"cpu": model, "cpus": os.cpu_count(), "loadavg_start": os.getloadavg()[0]}


def percentile(values, p):
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(p / 100.0 * len(s) + 0.5)) - 1))
    return s[k]


def rows(node, collection):
    db = sqlite3.connect("file:%s?mode=ro" % os.path.join(node.dir, "entente.db"), uri=True)
    try:
        return db.execute("SELECT count(*) FROM objects o JOIN collections c ON o.collection = "
                          "c.seq WHERE c.id = ?", (collection,)).fetchone()[0]
    finally:
        db.close()


def status_of(node, peer):
    for line in node.ok("peer", "list", "--json").splitlines():
        s = json.loads(line)
        if s["name"] == peer:
            return s
    return {}


class Pair:
    def __init__(self, tmp, bundle, expected):
        self.a = Node(tmp, "cert-fr", "FR")
        self.b = Node(tmp, "cert-de", "DE")
        self.a.org("cert-fr")
        self.a.org("from-b")
        self.b.org("cert-de")
        self.b.org("from-a")
        self.a_col = self.a.collection("bench", ["cert-fr", "from-b"], ["cert-fr", "from-b"],
                                       tlp="clear")
        self.b_col = self.b.collection("bench", ["cert-de", "from-a"], ["cert-de", "from-a"],
                                       tlp="clear")
        self.fr = self.a.identity("cert-fr")
        self.de = self.b.identity("cert-de")
        self.token_a = self.a.token("cert-fr")
        self.token_b = self.b.token("cert-de")
        self.token_b_on_a = self.a.token("from-b")
        self.token_a_on_b = self.b.token("from-a")
        t0 = time.time()
        self.a.ok("ingest", "--no-progress", "--collection", self.a_col, "--as", "cert-fr",
                  bundle)
        self.ingest_seconds = time.time() - t0
        self.expected = expected

    def stop(self):
        self.a.stop()
        self.b.stop()


def run_mode(mode, args, bundle, expected):
    tmp = tempfile.mkdtemp(prefix="entente-fedbench-", dir=args.keep)
    pair = Pair(tmp, bundle, expected)
    try:
        if mode == "push":
            pair.b.start()
            r = pair.a.peer("add", "cert-de", "--url", pair.b.url(), "--token", pair.token_a_on_b,
                            "--jurisdiction", "DE", "--recipient", pair.de,
                            "--push", "%s:%s" % (pair.a_col, pair.b_col), "--local-org", "from-b")
            assert r.returncode == 0, r.stderr
            watcher, peer_name, counter = pair.a, "cert-de", "pushed"
            t0 = time.time()
            pair.a.start()
        else:
            pair.a.start()
            r = pair.b.peer("add", "cert-fr", "--url", pair.a.url(), "--token", pair.token_b_on_a,
                            "--jurisdiction", "FR", "--recipient", pair.fr,
                            "--pull", "%s:%s" % (pair.a_col, pair.b_col), "--local-org", "from-a")
            assert r.returncode == 0, r.stderr
            watcher, peer_name, counter = pair.b, "cert-fr", "pulled"
            t0 = time.time()
            pair.b.start()
        cpu0 = cpu_seconds([pair.a, pair.b])
        while True:
            st = status_of(watcher, peer_name)
            if st.get(counter, 0) >= expected:
                break
            if st.get("last_error"):
                print("  (%s: %s)" % (peer_name, st["last_error"]), file=sys.stderr)
            if time.time() - t0 > args.timeout:
                raise SystemExit("backlog not synced within %d s: %s" % (args.timeout, st))
            time.sleep(0.1)
        seconds = time.time() - t0
        cpu = cpu_seconds([pair.a, pair.b]) - cpu0
        peak_mb = {n.name: peak_rss_mb(n) for n in (pair.a, pair.b)}
        held = rows(pair.b, pair.b_col)
        # Latency: single objects on idle nodes.
        latencies = []
        path = "/api/collections/%s/objects/" % pair.b_col
        for i in range(args.samples):
            obj = indicator("clear", pair.fr, n=i)
            t = time.time()
            pair.a.post(pair.a_col, pair.token_a, [obj])
            while True:
                _, body = pair.b.request("GET", path + "?match[id]=" + obj["id"], pair.token_b)
                if body and body.get("objects"):
                    break
                if time.time() - t > 30:
                    raise SystemExit("object %d did not arrive within 30 s" % i)
                time.sleep(0.002)
            latencies.append(time.time() - t)
        return {
            "bench": "federation_sync", "mode": mode, "objects": expected,
            "ingest_seconds_on_a": round(pair.ingest_seconds, 2),
            "sync_seconds": round(seconds, 2), "objects_per_s": round(expected / seconds),
            "cpu_seconds_both_nodes": round(cpu, 2), "rows_on_b": held,
            "peak_rss_mb_after_sync": peak_mb,
            "latency_samples": len(latencies),
            "latency_p50_s": round(statistics.median(latencies), 4),
            "latency_p99_s": round(percentile(latencies, 99), 4),
            "latency_max_s": round(max(latencies), 4),
        }
    finally:
        pair.stop()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


GREEN = b"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
CLEAR = b"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"


def clear_markings(path):
    """The corpus is TLP:GREEN without a community, which never leaves a node; the
    benchmark shares it as TLP:CLEAR (same length: rewritten in place)."""
    with open(path, "r+b") as f:
        offset, carry = 0, b""
        while True:
            chunk = f.read(64 << 20)
            if not chunk:
                break
            data = carry + chunk
            fixed = data.replace(GREEN, CLEAR)
            if fixed != data:
                f.seek(offset - len(carry))
                f.write(fixed)
                f.seek(offset + len(chunk))
            offset += len(chunk)
            carry = fixed[-(len(GREEN) - 1):]


def peak_rss_mb(node):
    """The node's memory in MiB: peak resident (VmHWM, which counts the pages of the
    database file SQLite's readers map), and the anonymous (heap) part resident now."""
    out = {}
    with open("/proc/%d/status" % node.proc.pid) as f:
        for line in f:
            key = line.split(":")[0]
            if key in ("VmHWM", "RssAnon"):
                out[key] = round(int(line.split()[1]) / 1024.0, 1)
    return out


def cpu_seconds(nodes):
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for n in nodes:
        if n.proc is None:
            continue
        with open("/proc/%d/stat" % n.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=1000000)
    ap.add_argument("--mode", choices=["push", "pull", "both"], default="both")
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--bundle", help="an existing corpus (bench_store_ingest --write-bundle)")
    ap.add_argument("--keep", help="work under this folder and keep the nodes")
    ap.add_argument("--timeout", type=int, default=1800)
    args = ap.parse_args()
    bin_path = os.path.abspath(fedharness.BIN)
    work = tempfile.mkdtemp(prefix="entente-fedbench-corpus-")
    try:
        bundle = args.bundle
        if not bundle:
            tool = os.path.join(os.path.dirname(bin_path), "bench", "store", "bench_store_ingest")
            bundle = os.path.join(work, "corpus.json")
            subprocess.run([tool, "--count", str(args.count), "--write-bundle", bundle],
                           check=True, stdout=subprocess.DEVNULL)
            clear_markings(bundle)
        expected = args.count  # every object of the corpus is one version
        info = machine()
        modes = ["push", "pull"] if args.mode == "both" else [args.mode]
        for mode in modes:
            result = run_mode(mode, args, bundle, expected)
            result.update(info)
            result["loadavg_end"] = os.getloadavg()[0]
            print(json.dumps(result), flush=True)
            print("  %s: %d objects in %.1f s = %d objects/s (%.1f CPU-s on both nodes); "
                  "latency p50 %.3f s, p99 %.3f s, max %.3f s over %d objects; memory %s MiB" %
                  (mode, expected, result["sync_seconds"], result["objects_per_s"],
                   result["cpu_seconds_both_nodes"], result["latency_p50_s"],
                   result["latency_p99_s"], result["latency_max_s"], result["latency_samples"],
                   result["peak_rss_mb_after_sync"]),
                  file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
