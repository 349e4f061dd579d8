#!/usr/bin/env python3
"""bench_case_latency: how long from a case update on the node of the organisation that
opened the case to that exact version being readable by an invited organisation on
another node (issue 15: "a case update visible on invited peers within 1 s at p99 on
loopback").

  ENTENTE_BIN=build/entente python3 bench/federation/bench_case_latency.py \
      [--samples 100] [--reverse-samples 20]

Two real nodes on loopback, both running `entente serve` with federation on (default poll
interval, 200 ms). Node FR holds cert-fr, which opens a TLP:AMBER case and invites cert-de
(by its identity id), which lives on node DE; FR pushes its cases collection to DE and DE
pushes its own back (each peer entry declares who lives on the other side, as
docs/cases.md and tests/federation/test_cases.py set it up).

Each sample makes one case update on FR with the CLI, alternately
  (a) `entente case update CASE --criticality N`: a new version of the incident, and
  (b) `entente case state CASE STATE --as cert-fr`: a new version of cert-fr's state note,
reads the new version's `modified` from FR over TAXII (as cert-fr), and polls DE over TAXII
every 5 ms with cert-de's token until DE's newest version of that object has exactly that
`modified` (and the criticality or state written). The latency is counted from the moment
the CLI command is started; the figure from the moment it returned (the version is
committed on FR) is printed beside it. The reverse direction (cert-de's state changed on
DE, read on FR with cert-fr's token) is measured with --reverse-samples samples (0: not).
Before each sample the bench pauses a random 0..--jitter-ms ms (not counted): a sample
started right after the previous one arrived would otherwise fall just after the push
worker's poll every time and measure nearly the whole poll interval each time
(--jitter-ms 0 measures that case).

For comparison, --taxii-samples samples write cert-fr's state differently: a new version
of its state note (as `case state` builds it) POSTed over TAXII to FR with cert-fr's token.
The server stores it in process and wakes the push worker at once, so this shows the
propagation without the wait for the next poll.

The CLI writes to the node's store from its own process, so the server's in-process wake-up
of the push worker does not fire: the push worker sees a CLI write at its next poll. This is
measured as it is. Prints one JSON line and a summary. Not a test: no thresholds.
"""
import argparse
import calendar
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "federation"))
from fedharness import Node  # noqa: E402

INCIDENT_CORE = "extension-definition--ef765651-680c-498d-9894-99799f2fa126"
CASE_EXT = "extension-definition--3b8a6e2c-4f0d-4f7e-9d5a-6c1e2b7a9f01"
STATES = ["acknowledged", "investigating", "contained", "closed"]
POLL_S = 0.005
GIVE_UP_S = 30


def percentile(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1))))]


def summary(values):
    if not values:
        return None
    return {"n": len(values), "p50_ms": round(statistics.median(values), 1),
            "p99_ms": round(percentile(values, 99), 1), "max_ms": round(max(values), 1)}


def newest(node, col, token, object_id):
    """The newest version of object_id that `token` may read on `node`, or None."""
    status, body = node.request("GET", "/api/collections/%s/objects/?match[id]=%s"
                                % (col, object_id), token)
    if status != 200:
        return None
    objects = (body or {}).get("objects", [])
    return objects[0] if objects else None


def ok_cli(node, *args):
    r = node.cli(*args)
    if r.returncode != 0:
        raise SystemExit("entente %s failed (%d): %s %s" % (" ".join(args), r.returncode,
                                                           r.stdout, r.stderr))
    return r.stdout.strip()


def wait_for(node, col, token, object_id, check, t0, what):
    while True:
        obj = newest(node, col, token, object_id)
        if obj is not None and check(obj):
            return time.time(), obj
        if time.time() - t0 > GIVE_UP_S:
            raise SystemExit("%s never became readable on %s (last seen: %s)\n%s"
                             % (what, node.name, json.dumps(obj), node.log()[-2000:]))
        time.sleep(POLL_S)


def one_update(src, src_col, src_token, dst, dst_col, dst_token, case_id, kind, value, org):
    """Makes one update on src and waits until dst serves it. Returns (ms from the CLI's
    start, ms from the CLI's exit, CLI ms)."""
    t0 = time.time()
    if kind == "update":
        ok_cli(src, "case", "update", case_id, "--collection", src_col, "--as", org,
               "--criticality", str(value))
        object_id = case_id
    else:
        object_id = ok_cli(src, "case", "state", case_id, value, "--collection", src_col,
                           "--as", org)
    t1 = time.time()
    # The exact version just written, as its creator reads it on its own node.
    mine = newest(src, src_col, src_token, object_id)
    if mine is None:
        raise SystemExit("%s cannot read %s on %s" % (org, object_id, src.name))
    if kind == "update":
        written = mine["extensions"][INCIDENT_CORE].get("criticality")
    else:
        written = mine["extensions"][CASE_EXT].get("state")
    if written != value:
        raise SystemExit("the %s just written is not the newest version on %s: %s"
                         % (kind, src.name, json.dumps(mine)))
    want = mine["modified"]

    def arrived(obj):
        if obj.get("modified") != want:
            return False
        if kind == "update":
            return obj["extensions"][INCIDENT_CORE].get("criticality") == value
        return obj["extensions"][CASE_EXT].get("state") == value

    t2, _ = wait_for(dst, dst_col, dst_token, object_id, arrived, t0,
                     "%s %s of %s" % (kind, want, object_id))
    return (t2 - t0) * 1000.0, (t2 - t1) * 1000.0, (t1 - t0) * 1000.0


def ts(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + ".%03dZ" % (
        int(seconds * 1000) % 1000)


def parse_ts(text):
    head, _, frac = text.rstrip("Z").partition(".")
    return calendar.timegm(time.strptime(head, "%Y-%m-%dT%H:%M:%S")) + float("0." + (frac or "0"))


def one_taxii_state(src, src_col, src_token, dst, dst_col, dst_token, note_id, value):
    """A new version of the participant's own state note POSTed over TAXII to src (as the
    CLI would write it), then waits until dst serves it. Returns ms from the POST's start."""
    prev = newest(src, src_col, src_token, note_id)
    note = json.loads(json.dumps(prev))
    note["modified"] = ts(max(time.time(), parse_ts(prev["modified"]) + 0.001))
    note["abstract"] = "case state: " + value
    note["content"] = value
    note["extensions"][CASE_EXT]["state"] = value
    want = note["modified"]
    t0 = time.time()
    src.post(src_col, src_token, [note])

    def arrived(obj):
        return obj.get("modified") == want and obj["extensions"][CASE_EXT].get("state") == value

    t2, _ = wait_for(dst, dst_col, dst_token, note_id, arrived, t0,
                     "state %s of %s" % (want, note_id))
    return (t2 - t0) * 1000.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--samples", type=int, default=100)
    ap.add_argument("--reverse-samples", type=int, default=20)
    ap.add_argument("--taxii-samples", type=int, default=50)
    ap.add_argument("--jitter-ms", type=float, default=200.0,
                    help="pause a random 0..N ms before each sample (not counted), so "
                         "updates do not fall in step with the push worker's poll")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="entente-caselat-")
    nodes = []
    try:
        fr = Node(tmp, "fr", "FR")
        de = Node(tmp, "de", "DE")
        nodes += [fr, de]
        cert_fr = fr.org("cert-fr")
        fr.org("from-de")
        fr_col = fr.collection("cases", ["cert-fr", "from-de"], ["cert-fr", "from-de"])
        cert_de = de.org("cert-de")
        de.org("from-fr")
        de_col = de.collection("cases", ["cert-de", "from-fr"], ["cert-de", "from-fr"])
        fr_token, de_token = fr.token("cert-fr"), de.token("cert-de")
        fr.start()
        de.start()
        for src, dst, src_col, dst_col, inbound, local, lives in (
                (fr, de, fr_col, de_col, "from-fr", "from-de", cert_de),
                (de, fr, de_col, fr_col, "from-de", "from-fr", cert_fr)):
            r = src.peer("add", dst.name, "--url", dst.url(), "--token", dst.token(inbound),
                         "--jurisdiction", "DE" if dst is de else "FR",
                         "--push", "%s:%s" % (src_col, dst_col), "--local-org", local,
                         "--recipient", lives)
            if r.returncode != 0:
                raise SystemExit(r.stdout + r.stderr)
        case_id = ok_cli(fr, "case", "open", "--collection", fr_col, "--as", "cert-fr",
                         "--name", "wiper in a grid operator", "--rsit-class", "availability",
                         "--rsit-type", "sabotage", "--criticality", "50", "--invite", cert_de)
        # The invitation and both first states, before any sample.
        wait_for(de, de_col, de_token, case_id, lambda o: True, time.time(), "the case")
        fr_note = ok_cli(fr, "case", "state", case_id, "acknowledged", "--collection", fr_col,
                         "--as", "cert-fr")
        ok_cli(de, "case", "state", case_id, "acknowledged", "--collection", de_col,
               "--as", "cert-de")
        time.sleep(1.0)
        load = [os.getloadavg()[0]]
        by_kind = {"update": [], "state": []}
        from_exit, cli = [], []
        for i in range(args.samples):
            time.sleep(random.uniform(0, args.jitter_ms) / 1000.0)
            kind = "update" if i % 2 == 0 else "state"
            # Every value differs from the one before it.
            value = 10 + (i // 2) % 80 if kind == "update" else STATES[(i // 2) % 4]
            total, after, took = one_update(fr, fr_col, fr_token, de, de_col, de_token,
                                            case_id, kind, value, "cert-fr")
            by_kind[kind].append(total)
            from_exit.append(after)
            cli.append(took)
            if i % 20 == 19:
                load.append(os.getloadavg()[0])
        reverse, reverse_exit = [], []
        for i in range(args.reverse_samples):
            time.sleep(random.uniform(0, args.jitter_ms) / 1000.0)
            total, after, _ = one_update(de, de_col, de_token, fr, fr_col, fr_token, case_id,
                                         "state", STATES[(i + 1) % 4], "cert-de")
            reverse.append(total)
            reverse_exit.append(after)
        via_taxii = []
        for i in range(args.taxii_samples):
            time.sleep(random.uniform(0, args.jitter_ms) / 1000.0)
            via_taxii.append(one_taxii_state(fr, fr_col, fr_token, de, de_col, de_token,
                                             fr_note, STATES[(i + 2) % 4]))
        if via_taxii:
            # The posted versions are states like any other: DE's case view counts the last.
            shown = json.loads(ok_cli(de, "case", "show", case_id, "--collection", de_col,
                                      "--as", "cert-de", "--json"))
            states = {p["identity"]: p["state"] for p in shown["participants"]}
            if states.get(cert_fr) != STATES[(args.taxii_samples + 1) % 4]:
                raise SystemExit("DE does not count cert-fr's last posted state: %s" % states)
        load.append(os.getloadavg()[0])
        forward = by_kind["update"] + by_kind["state"]
        overall = summary(forward)
        del overall["n"]
        result = {"samples": len(forward), **overall, "jitter_ms": args.jitter_ms,
                  "from_cli_exit": summary(from_exit), "cli_ms": summary(cli),
                  "case_update": summary(by_kind["update"]),
                  "participant_state": summary(by_kind["state"]),
                  "reverse_state": summary(reverse),
                  "reverse_from_cli_exit": summary(reverse_exit),
                  "state_posted_over_taxii": summary(via_taxii),
                  "load_average_1min": [round(min(load), 2), round(max(load), 2)]}
        print(json.dumps(result))
        print("case update on FR -> the same version readable by cert-de on DE: p50 %.0f ms, "
              "p99 %.0f ms, max %.0f ms (%d samples, from the CLI's start; from its exit "
              "p50 %.0f ms, p99 %.0f ms)" % (result["p50_ms"], result["p99_ms"],
                                             result["max_ms"], len(forward),
                                             result["from_cli_exit"]["p50_ms"],
                                             result["from_cli_exit"]["p99_ms"]))
        for label, key in (("  incident versions", "case_update"),
                           ("  cert-fr's states ", "participant_state"),
                           ("  reverse: cert-de's states on DE -> FR", "reverse_state"),
                           ("  cert-fr's states POSTed over TAXII to FR", "state_posted_over_taxii")):
            s = result[key]
            if s:
                print("%s: p50 %.0f ms, p99 %.0f ms, max %.0f ms (%d)"
                      % (label, s["p50_ms"], s["p99_ms"], s["max_ms"], s["n"]))
        print("load average (1 min) during the run: %.1f-%.1f" % tuple(
            result["load_average_1min"]))
    finally:
        for n in nodes:
            n.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
