#!/usr/bin/env python3
"""Development tool (not run by CTest): entente's evaluator against the OASIS reference
matcher on gen_cases.py's random cases, and the freezer of reference_cases.jsonl.

NEEDS the OASIS reference checkout: cti-pattern-matcher 3.0.0 (stix2matcher) with
stix2-patterns 2.0 and their dependencies (antlr4-python3-runtime, python-dateutil, six,
deepmerge) importable. On the team machine /work/ref/refpy is a python3 with them on the
path:

  /work/ref/refpy tests/pattern/differential/against_reference.py \\
      --entente build/src/cli/entente --seed 11 --count 2000

prints the disagreement rate and the first disagreements by category. With
--freeze FILE --freeze-count N it also writes N of the cases (spread over the
categories of the generator's tags) with the reference's verdict, for
test_reference_verdicts.py.

Only cases the reference can read are compared: a STIX 2.1 bundle (or array) holding
observed-data with object_refs. Bare SCOs and the 2.0 embedded shape are left out (the
reference's 2.1 mode refuses them). The reference runs in this process; entente through
`entente pattern match PATTERN FILE` (exit 0 match, 1 no match, 2 error).
"""
import argparse
import collections
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_cases  # noqa: E402


def reference_verdict(pattern, record):
    """'match', 'no match' or 'error: ...' from stix2matcher (STIX 2.1 mode)."""
    from stix2matcher.matcher import match  # the reference checkout
    bundle = record if isinstance(record, dict) else {
        "type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000000", "objects": record}
    try:
        return "match" if match(pattern, [bundle], False, "2.1") else "no match"
    except Exception as e:  # the reference reports parse and evaluation errors so
        return "error: %s: %s" % (type(e).__name__, str(e).splitlines()[0][:200] if str(e) else "")


def reference_failed(verdict):
    """True when the reference crashed in its own code (no verdict): anything but its
    MatcherException family and the pattern parser's ParseException."""
    if not verdict.startswith("error: "):
        return False
    name = verdict[len("error: "):].split(":")[0]
    return not (name.startswith("Matcher") or name.endswith("ParseException") or
                name == "UnsupportedOperatorError")


def comparable(record):
    items = record if isinstance(record, list) else \
        record.get("objects") if record.get("type") == "bundle" else None
    if not items:
        return False
    return any(o.get("type") == "observed-data" and "object_refs" in o for o in items)


def entente_verdict(binary, pattern, record, workdir, n):
    path = os.path.join(workdir, "r%d.json" % n)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(record, f, ensure_ascii=False)
    p = subprocess.run([binary, "pattern", "match", pattern, path], capture_output=True,
                       timeout=120)
    if p.returncode == 0:
        return "match"
    if p.returncode == 1:
        return "no match"
    return "error: " + p.stderr.decode("utf-8", "replace").strip().splitlines()[0][:200]


def kind(verdict):
    return "error" if verdict.startswith("error") else verdict


# The generator tags that explain a disagreement best, most specific first.
CATEGORY_ORDER = ["empty-set", "binary", "mismatch", "timestamp", "non-ascii", "cidr", "not",
                  "exists", "repeats", "within", "start", "obs-followedby", "obs-and",
                  "mixed-types", "cmp-and", "like", "matches", "foreign"]


def category(case, ref, ent):
    tags = [t for t in CATEGORY_ORDER if t in case["tags"]]
    head = tags[0] if tags else "plain"
    return "%s (reference %s, entente %s)" % (head, kind(ref), kind(ent))


# Where the reference is limited and entente deliberately does the right thing (issue 12,
# docs/conformance.md): (pattern of the reference's error, reason).
DELIBERATE = [
    ("Invalid CIDR subnet: 0.0.0.0/0",
     "the reference refuses the block 0.0.0.0/0; entente reads it as every IPv4 address "
     "(STIX 2.1 section 9.4 ISSUBSET/ISSUPERSET take CIDR blocks, /0 is one)"),
    ("Invalid IPv4 address",
     "the reference handles no IPv6 in ISSUBSET/ISSUPERSET; entente compares IPv6 blocks "
     "(ipv6-addr values are CIDR blocks too, STIX 2.1 section 6.6)"),
    ("Invalid CIDR subnet",
     "the reference wants a '/prefix' on the block (or a block on the observed side of "
     "ISSUPERSET); entente reads a single address as the block of that one address"),
]

# The evaluator changes of issue 12, by the generator tag that points at them.
PENDING = {
    "mismatch": "a comparison with a constant of another type: = is false, != and NOT "
                "forms are true (issue 12)",
    "not": "NOT forms / != : true for values of another type, and AND in one bracket on "
           "the same SCO (issue 12)",
    "non-ascii": "strings compared after NFC normalisation (STIX 2.1 section 9.4, issue 12)",
    "binary": "binary (_bin/_hex) properties compared with string constants as the "
              "reference does (issue 12)",
    "timestamp": "timestamp comparisons: against text that is not a timestamp (issue 12)",
    "within": "WITHIN applied to a combined observation expression (issue 12)",
    "repeats": "REPEATS with WITHIN / on combined expressions (issue 12)",
    "start": "START/STOP, nested (issue 12)",
    "empty-set": "NOT IN () and other empty-set forms (issue 12)",
    "mixed-types": "AND inside one bracket must hold on the same SCO (issue 12)",
    "cmp-and": "AND inside one bracket must hold on the same SCO (issue 12)",
}

REF_AT_END = (
    "a path ending in a reference (_ref/_refs): the reference resolves it and compares "
    "the object, which no string equals (so = is false, != and NOT true); entente compares "
    "the identifier text - not in issue 12's list, for the lead to decide")


NUMBER_OBSERVED = (
    "the reference lets one observed-data with number_observed N >= 2 satisfy up to N "
    "observation expressions (AND / FOLLOWEDBY); entente binds disjoint observed-data "
    "(STIX 2.1 section 9.5 does not say) - not in issue 12's list, for the lead to decide")


TIMING = (
    "time qualifiers: the reference only needs timestamps that can be chosen inside each "
    "observed-data's [first_observed, last_observed] (WITHIN n: one observed-data always "
    "qualifies; FOLLOWEDBY: latest left first_observed <= earliest right last_observed); "
    "entente takes whole intervals (last - first <= n; left last_observed <= right "
    "first_observed) - not in issue 12's list, for the lead to decide")

REF_SCOPE = (
    "references: the reference resolves a _ref only to SCOs listed in the same "
    "observed-data's object_refs; entente resolves it anywhere in the bundle - not in "
    "issue 12's list, for the lead to decide")


def items_of(record):
    return record if isinstance(record, list) else record.get("objects", [])


def with_collapsed_intervals(record):
    import copy
    rec = copy.deepcopy(record)
    for o in items_of(rec):
        if o.get("type") == "observed-data":
            o["last_observed"] = o["first_observed"]
    return rec


def with_referenced_scos_listed(record):
    """Each observed-data's object_refs completed with what its SCOs reference."""
    import copy
    rec = copy.deepcopy(record)
    by_id = {o.get("id"): o for o in items_of(rec)}
    for o in items_of(rec):
        if o.get("type") != "observed-data" or not isinstance(o.get("object_refs"), list):
            continue
        todo, seen = list(o["object_refs"]), set()
        while todo:
            i = todo.pop()
            if i in seen or i not in by_id:
                continue
            seen.add(i)
            for k, v in by_id[i].items():
                if k.endswith("_ref") and isinstance(v, str):
                    todo.append(v)
                elif k.endswith("_refs") and isinstance(v, list):
                    todo.extend(x for x in v if isinstance(x, str))
        o["object_refs"] = o["object_refs"] + sorted(seen - set(o["object_refs"]))
    return rec


def with_number_observed_one(record):
    import copy
    rec = copy.deepcopy(record)
    for o in rec if isinstance(rec, list) else rec.get("objects", []):
        if o.get("type") == "observed-data":
            o["number_observed"] = 1
    return rec


ENTENTE = None  # the binary, for explain() (set by main)


def explain(case, ref, ent):
    if ent.startswith("error") and "invalid pattern" in ent:
        return {"kind": "deliberate", "entente": "error",
                "reason": "issue 12's pattern rules: a repeated qualifier of one kind, or a "
                          "hash constant that cannot be a value of its algorithm, makes the "
                          "pattern invalid (exit 2); the reference accepts it"}
    rec = case["record"]
    items = rec if isinstance(rec, list) else rec.get("objects", [])
    if any(o.get("type") == "observed-data" and not isinstance(o.get("object_refs"), list)
           for o in items):
        return {"kind": "deliberate", "entente": kind(ent),
                "reason": "a malformed record (STIX 2.1 section 4.14: object_refs is a list "
                          "of identifiers, required): entente refuses it (exit 2); the "
                          "reference reads a string object_refs character by character or "
                          "fails"}
    for needle, reason in DELIBERATE:
        if needle in ref:
            return {"kind": "deliberate", "entente": kind(ent), "reason": reason}
    if re.search(r"_refs?(\[[^\]]*\])?\s+(NOT\s+)?(=|!=|<|>|IN\b|LIKE|MATCHES)",
                 case["pattern"]):
        return {"kind": "pending", "reason": REF_AT_END}
    # Does the reference agree with entente once refs resolve outside object_refs, or
    # once every observed-data is an instant?
    if kind(reference_verdict(case["pattern"], with_referenced_scos_listed(rec))) == kind(ent):
        return {"kind": "pending", "reason": REF_SCOPE}
    if ("WITHIN" in case["pattern"] or "FOLLOWEDBY" in case["pattern"]) and ENTENTE:
        instants = with_collapsed_intervals(rec)
        with tempfile.TemporaryDirectory() as d:
            ent_instants = entente_verdict(ENTENTE, case["pattern"], instants, d, 0)
        if kind(reference_verdict(case["pattern"], instants)) == kind(ent_instants):
            return {"kind": "pending", "reason": TIMING}
    # Does the reference's verdict change when every observed-data was seen once?
    if any(o.get("type") == "observed-data" and o.get("number_observed", 1) > 1
           for o in items):
        once = reference_verdict(case["pattern"], with_number_observed_one(rec))
        if kind(once) != kind(ref):
            return {"kind": "pending", "reason": NUMBER_OBSERVED}
    for tag in CATEGORY_ORDER:
        if tag in case["tags"] and tag in PENDING:
            return {"kind": "pending", "reason": "likely: " + PENDING[tag]}
    return {"kind": "pending", "reason": "unexplained: reference %s, entente %s" % (
        kind(ref), kind(ent))}


def main():
    ap = argparse.ArgumentParser(description="entente pattern match vs the OASIS reference")
    ap.add_argument("--entente", required=True, help="path of the entente binary")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--show", type=int, default=2, help="examples printed per category")
    ap.add_argument("--freeze", help="write this many comparable cases with the reference's "
                    "verdicts to this JSON-lines file")
    ap.add_argument("--freeze-count", type=int, default=400)
    ap.add_argument("--allowlist-draft", help="with --freeze: write a draft allowlist of the "
                    "frozen cases where entente differs now, reasons guessed from the "
                    "reference's error and the case's tags (review before committing)")
    args = ap.parse_args()
    global ENTENTE
    ENTENTE = args.entente

    cases = [c for c in gen_cases.generate(args.seed, args.count) if comparable(c["record"])]
    refs = [reference_verdict(c["pattern"], c["record"]) for c in cases]
    with tempfile.TemporaryDirectory() as d:
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            ents = list(pool.map(lambda c: entente_verdict(args.entente, c["pattern"],
                                                           c["record"], d, c["case"]), cases))
    by_cat = collections.defaultdict(list)
    agree = 0
    for c, r, e in zip(cases, refs, ents):
        if kind(r) == kind(e):
            agree += 1
        else:
            by_cat[category(c, r, e)].append((c, r, e))
    n = len(cases)
    print("seed %d: %d comparable cases; agree %d, disagree %d (%.2f %%)" % (
        args.seed, n, agree, n - agree, 100.0 * (n - agree) / max(n, 1)))
    crashed = [i for i, r in enumerate(refs) if reference_failed(r)]
    m = n - len(crashed)
    bad = sum(1 for i, (r, e) in enumerate(zip(refs, ents))
              if i not in set(crashed) and kind(r) != kind(e))
    print("without the %d cases where the reference crashed in its own code: %d cases, "
          "disagree %d (%.2f %%)" % (len(crashed), m, bad, 100.0 * bad / max(m, 1)))
    print("verdicts: reference %s; entente %s" % (
        dict(collections.Counter(kind(r) for r in refs)),
        dict(collections.Counter(kind(e) for e in ents))))
    for cat, items in sorted(by_cat.items(), key=lambda kv: -len(kv[1])):
        print("\n== %s: %d" % (cat, len(items)))
        for c, r, e in items[:args.show]:
            print("  case %d: %s" % (c["case"], c["pattern"]))
            print("    reference: %s | entente: %s" % (r, e))
            print("    record: %s" % json.dumps(c["record"], ensure_ascii=False)[:600])

    if args.freeze:
        # Spread over the generator's tags: round-robin over each case's most specific tag
        # (CATEGORY_ORDER), so that rare shapes get in too.
        groups = collections.defaultdict(list)
        for c, r, e in zip(cases, refs, ents):
            if reference_failed(r):
                continue
            key = next((t for t in CATEGORY_ORDER if t in c["tags"]), "plain")
            groups[key].append((kind(r) == kind(e), c, r))
        for g in groups.values():
            g.sort(key=lambda x: x[1]["case"])
        picked = []
        while len(picked) < args.freeze_count and any(groups.values()):
            for key in sorted(groups):
                if groups[key] and len(picked) < args.freeze_count:
                    picked.append(groups[key].pop(0))
        picked.sort(key=lambda x: x[1]["case"])
        with open(args.freeze, "w", encoding="utf-8") as f:
            for _, c, r in picked:
                f.write(json.dumps({"case": "s%d-c%d" % (args.seed, c["case"]),
                                    "pattern": c["pattern"], "record": c["record"],
                                    "tags": c["tags"], "reference": r},
                                   ensure_ascii=False, sort_keys=True) + "\n")
        print("\nfroze %d cases to %s" % (len(picked), args.freeze))
        if args.allowlist_draft:
            draft = {}
            for _, c, r in picked:
                e = ents[[x["case"] for x in cases].index(c["case"])]
                if kind(r) != kind(e):
                    draft["s%d-c%d" % (args.seed, c["case"])] = explain(c, r, e)
            with open(args.allowlist_draft, "w", encoding="utf-8") as f:
                json.dump(draft, f, ensure_ascii=False, indent=1, sort_keys=True)
                f.write("\n")
            print("wrote %d draft allowlist entries to %s (review every reason)" % (
                len(draft), args.allowlist_draft))


if __name__ == "__main__":
    main()
