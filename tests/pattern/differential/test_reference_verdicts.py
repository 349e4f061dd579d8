"""entente's evaluator (`entente pattern match`) against verdicts of the OASIS reference
matcher, frozen in reference_cases.jsonl (see README.md for their source and licence).

Each frozen case is a random pattern and STIX 2.1 bundle from gen_cases.py with the
verdict stix2matcher 3.0.0 gave it ("match", "no match" or "error: ..."). The reference
tools are the technical committee's executable documentation of STIX 2.1 section 9
(issue 12: where the specification leaves room, behave as they do). entente must give
the same verdict (exit 0 match, 1 no match, 2 error) except for the cases listed in
reference_allowlist.json, each with its reason: entente deliberately differs there
(docs/conformance.md lists why), and its verdict must then be the one the entry names
("entente").
Environment: ENTENTE_BIN. Python 3 standard library only.
"""
import concurrent.futures
import json
import os
import subprocess
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.environ.get("ENTENTE_BIN", "entente")


def kind(verdict):
    return "error" if verdict.startswith("error") else verdict


def load(allowlist="reference_allowlist.json"):
    with open(os.path.join(HERE, "reference_cases.jsonl"), encoding="utf-8") as f:
        cases = [json.loads(line) for line in f if line.strip()]
    with open(os.path.join(HERE, allowlist), encoding="utf-8") as f:
        allow = json.load(f)
    return cases, allow


def entente(case, workdir):
    path = os.path.join(workdir, case["case"] + ".json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(case["record"], f, ensure_ascii=False)
    p = subprocess.run([BIN, "pattern", "match", case["pattern"], path], capture_output=True,
                       timeout=120)
    return {0: "match", 1: "no match"}.get(p.returncode, "error")


class ReferenceVerdicts(unittest.TestCase):
    def test_allowlist_is_well_formed(self):
        cases, allow = load()
        names = {c["case"] for c in cases}
        for name, entry in allow.items():
            self.assertIn(name, names, "allowlist names an unknown case")
            self.assertEqual(entry.get("kind"), "deliberate", name)
            self.assertTrue(entry.get("reason"), name + ": every entry gives its reason")
            self.assertIn(entry.get("entente"), ("match", "no match", "error"), name)

    def test_entente_gives_the_reference_verdicts(self):
        cases, allow = load()
        self.assertGreaterEqual(len(cases), 200)
        with tempfile.TemporaryDirectory() as d:
            with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
                verdicts = list(pool.map(lambda c: entente(c, d), cases))
        problems = []
        for c, got in zip(cases, verdicts):
            entry = allow.get(c["case"])
            if entry is not None:
                if got != entry["entente"]:
                    problems.append("%s: entente %s, the allowlist says %s (%s)\n  %s" % (
                        c["case"], got, entry["entente"], entry["reason"], c["pattern"]))
                continue
            if got != kind(c["reference"]):
                problems.append("%s: reference %s, entente %s\n  pattern: %s\n  record: %s" % (
                    c["case"], c["reference"], got, c["pattern"],
                    json.dumps(c["record"], ensure_ascii=False)[:800]))
        print("%d frozen cases, %d deliberate differences" % (len(cases), len(allow)))
        self.assertEqual(problems, [], "%d cases differ from the reference:\n%s" % (
            len(problems), "\n".join(problems[:20])))


if __name__ == "__main__":
    unittest.main()
