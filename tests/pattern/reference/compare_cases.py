#!/usr/bin/env python3
"""Runs the hand-written cases (tests/pattern/cases/*.json) through the OASIS reference
matcher and validator and lists where the reference answers otherwise than the case
expects. Each such case must say so in its "why" ("Deliberate difference …").

    /work/ref/refpy tests/pattern/reference/compare_cases.py tests/pattern/cases

Exit status 1 when a case differs from the reference without saying so.
"""

import copy
import json
import os
import sys

from stix2matcher.matcher import match
from stix2patterns.validator import run_validator


def reference_says(case):
    version = case.get("stix_version", "2.1")
    if "error" in case:
        return "parse_error" if run_validator(case["pattern"], stix_version=version) else "valid"
    observed = copy.deepcopy(case["observations"])
    if version == "2.1":
        observed = [observed] if isinstance(observed, dict) else [
            {"type": "bundle", "id": "bundle--0", "objects": observed}]
    try:
        return "match" if match(case["pattern"], observed, stix_version=version) else "no_match"
    except Exception as e:  # the reference signals errors by raising
        return "error (%s)" % type(e).__name__


def main():
    directory = sys.argv[1]
    unexplained = 0
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(directory, name)) as f:
            case = json.load(f)
        if "error" in case:
            expected = "parse_error"
        elif "match_error" in case:
            expected = "error"
        else:
            expected = "match" if case["match"] else "no_match"
        said = reference_says(case)
        if said.split(" ")[0] == expected:
            continue
        explained = "Deliberate difference" in case.get("why", "")
        unexplained += not explained
        print("%-50s entente: %-11s reference: %-28s %s" % (
            name, expected, said, "(deliberate)" if explained else "UNEXPLAINED"))
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
