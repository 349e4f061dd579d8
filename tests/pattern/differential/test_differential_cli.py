"""Differential test: the evaluator (`entente pattern match`) against the compiled index
(`entente match`) on seeded random cases (gen_cases.py), through the real binary.

Issue 12 asks that the two CLI paths agree on every case: an indicator whose pattern is
one case's pattern must be reported by `entente match` on that case's record exactly
when `entente pattern match PATTERN RECORD` exits 0 (STIX 2.1 section 9: a pattern
matches observed data or it does not; how it is evaluated must not change the answer).

One `entente match` run takes every case's pattern as an indicator and every case's
record as one JSON line, so each pattern also meets every other record; the diagonal
(pattern i, record i) is checked against `entente pattern match` for every case, and a
sample of the off-diagonal hits is re-checked the same way (a hit there must be a match
too). A pattern both paths refuse (exit 2 "invalid pattern" / a rejected indicator) is
an agreement; a record the evaluator refuses or gives up on (exit 2) must bring no hit.

Environment: ENTENTE_BIN (the binary), DIFF_SEED (default 20240101), DIFF_COUNT
(default 500). Python 3 standard library only.
"""
import concurrent.futures
import json
import os
import random
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_cases  # noqa: E402

BIN = os.environ.get("ENTENTE_BIN", "entente")
SEED = int(os.environ.get("DIFF_SEED", "20240101"))
COUNT = int(os.environ.get("DIFF_COUNT", "500"))
TIMEOUT = 120


def indicator_id(n):
    return "indicator--%08x-0000-4000-8000-000000000000" % n


def indicators_bundle(cases):
    objs = []
    for c in cases:
        objs.append({"type": "indicator", "spec_version": "2.1", "id": indicator_id(c["case"]),
                     "created": "2024-01-01T00:00:00.000Z",
                     "modified": "2024-01-01T00:00:00.000Z", "pattern": c["pattern"],
                     "pattern_type": "stix", "valid_from": "2024-01-01T00:00:00Z"})
    return {"type": "bundle", "id": "bundle--00000000-0000-4000-8000-0000000000ff",
            "objects": objs}


def ids_in(record):
    """Every id an `entente match` hit may name for this record."""
    items = record if isinstance(record, list) else \
        record.get("objects", []) if record.get("type") == "bundle" else [record]
    return [o["id"] for o in items if isinstance(o, dict) and isinstance(o.get("id"), str)]


def pattern_match(pattern, path):
    """(exit code, stderr) of `entente pattern match PATTERN PATH`."""
    p = subprocess.run([BIN, "pattern", "match", pattern, path], capture_output=True,
                       timeout=TIMEOUT)
    return p.returncode, p.stderr.decode("utf-8", "replace")


def run_index(cases, workdir):
    """Runs `entente match` over all cases; returns (set of (indicator case, record case)
    hits, set of rejected indicator cases)."""
    ind = os.path.join(workdir, "indicators.json")
    obs = os.path.join(workdir, "observations.jsonl")
    with open(ind, "w", encoding="utf-8") as f:
        json.dump(indicators_bundle(cases), f, ensure_ascii=False)
    owner = {}
    with open(obs, "w", encoding="utf-8") as f:
        for c in cases:
            f.write(json.dumps(c["record"], ensure_ascii=False) + "\n")
            for i in ids_in(c["record"]):
                owner[i] = c["case"]
    p = subprocess.run([BIN, "match", "--indicators", ind, "--observations", obs],
                       capture_output=True, timeout=TIMEOUT)
    if p.returncode not in (0, 1):
        raise AssertionError("entente match exited %d: %s" % (p.returncode, p.stderr[-2000:]))
    by_id = {indicator_id(c["case"]): c["case"] for c in cases}
    line_case = {n + 1: c["case"] for n, c in enumerate(cases)}
    hits = set()
    for line in p.stdout.decode("utf-8").splitlines():
        h = json.loads(line)
        o = h["observation"]
        rec = line_case[o] if isinstance(o, int) else owner[o]
        hits.add((by_id[h["indicator"]], rec))
    rejected = set()
    for line in p.stderr.decode("utf-8", "replace").splitlines():
        if line.startswith("entente: indicator indicator--"):
            rejected.add(by_id[line.split()[2].rstrip(":")])
    return hits, rejected


def record_file(workdir, case):
    path = os.path.join(workdir, "record-%d.json" % case["case"])
    if not os.path.exists(path):
        with open(path, "w", encoding="utf-8") as f:
            json.dump(case["record"], f, ensure_ascii=False)
    return path


def describe(case, what, record_case=None):
    rec = case if record_case is None else record_case
    return "%s\n  case %d pattern: %s\n  record (case %d): %s" % (
        what, case["case"], case["pattern"], rec["case"],
        json.dumps(rec["record"], ensure_ascii=False)[:1500])


class DifferentialCli(unittest.TestCase):
    def test_evaluator_and_index_agree(self):
        cases = gen_cases.generate(SEED, COUNT)
        with tempfile.TemporaryDirectory() as d:
            hits, rejected = run_index(cases, d)

            def evaluate(c):
                return pattern_match(c["pattern"], record_file(d, c))

            with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
                verdicts = list(pool.map(evaluate, cases))
            problems = []
            counts = {"match": 0, "no match": 0, "invalid pattern": 0, "error": 0}
            for c, (rc, err) in zip(cases, verdicts):
                n = c["case"]
                hit = (n, n) in hits
                invalid = rc == 2 and "invalid pattern" in err
                if invalid:
                    counts["invalid pattern"] += 1
                    if n not in rejected:
                        problems.append(describe(c, "the evaluator refuses the pattern (%s) but "
                                                 "the index accepts it" % err.strip()))
                    continue
                if n in rejected:
                    problems.append(describe(c, "the index refuses a pattern the evaluator runs"))
                    continue
                if rc == 0:
                    counts["match"] += 1
                    if not hit:
                        problems.append(describe(c, "evaluator: match; index: no hit"))
                elif rc == 1:
                    counts["no match"] += 1
                    if hit:
                        problems.append(describe(c, "evaluator: no match; index: hit"))
                else:
                    counts["error"] += 1
                    if hit:
                        problems.append(describe(c, "evaluator: error (%s); index: hit" %
                                                 err.strip()))
            # Off-diagonal hits must be matches too (a sample, re-checked one by one).
            by_case = {c["case"]: c for c in cases}
            off = sorted(h for h in hits if h[0] != h[1])
            sample = random.Random(SEED).sample(off, min(len(off), 80))

            def check(pair):
                i, j = pair
                return pattern_match(by_case[i]["pattern"], record_file(d, by_case[j]))[0]

            with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
                for (i, j), rc in zip(sample, pool.map(check, sample)):
                    if rc != 0:
                        problems.append(describe(by_case[i], "index hit on another case's record, "
                                                 "evaluator exit %d" % rc, by_case[j]))
            summary = "seed %d, %d cases: %s; %d off-diagonal hits (%d re-checked)" % (
                SEED, COUNT, counts, len(off), len(sample))
            print(summary, file=sys.stderr)
            self.assertGreater(counts["match"], len(cases) // 5, summary)
            self.assertGreater(counts["no match"], len(cases) // 5, summary)
            self.assertEqual(problems, [], "%d disagreements (%s); first ones:\n%s" % (
                len(problems), summary, "\n".join(problems[:15])))


if __name__ == "__main__":
    unittest.main()
