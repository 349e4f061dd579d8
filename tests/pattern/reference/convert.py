#!/usr/bin/env python3
"""Turns the OASIS reference matcher's own test cases into entente case files.

Run with the reference tools importable (in this workspace: /work/ref/refpy):

    /work/ref/refpy tests/pattern/reference/convert.py \
        /work/ref/cti-pattern-matcher tests/pattern/reference

For every test function of stix2matcher/test/v20 and v21 that is parametrized and calls
the matcher, the script runs the function once per parameter set with `match` replaced
by a recorder. The recorder passes the call on to the reference matcher and writes down
the pattern, the observations as they were at the time of the call, the STIX version and
what the reference answered (match, no match, or the exception it raised). The test's
own assertion must then hold, so what is recorded is the behaviour the reference's test
suite checks. Functions that do not call `match` (interval helpers) are not ported.

The observations are rewritten into the input `entente pattern match` reads: for 2.1
the reference takes a list of bundles and merges their objects, so the objects are
concatenated into one bundle; for 2.0 the list of observed-data objects is kept (the
draft type name "cybox-container" some 2.0 tests use becomes "observed-data").

One output file per test function: <version>_<module>_<function>.json holding
{"source": ..., "observations": <when all cases share them>, "cases": [{"id", "pattern",
"stix_version", "expect": "match"|"no_match"|"parse_error"|"error", "reference": <the
exception the reference raised>, "observations": <when not shared>}, ...]}.
Cases listed in differences.json (by id) get a "skip" reason: those are the places
where entente deliberately answers otherwise (docs/conformance.md).

No pytest is needed: a small stand-in provides mark.parametrize and raises.
"""

import copy
import importlib
import itertools
import json
import os
import sys
import types


class _Raises:
    def __init__(self, expected):
        self.expected = expected

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            raise AssertionError("expected an exception")
        return issubclass(exc_type, self.expected)


def _install_pytest_stand_in():
    mod = types.ModuleType("pytest")

    class _Mark:
        @staticmethod
        def parametrize(names, values, **_kwargs):
            def deco(fn):
                fn.__dict__.setdefault("_params", []).insert(0, (names, list(values)))
                return fn

            return deco

    mod.mark = _Mark()
    mod.raises = _Raises
    sys.modules["pytest"] = mod


def _param_sets(fn):
    """Yields keyword dicts: the cartesian product of stacked parametrize marks."""
    layers = []
    for names, values in fn.__dict__.get("_params", []):
        keys = [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)
        rows = []
        for v in values:
            if len(keys) == 1:
                rows.append({keys[0]: v})
            else:
                rows.append(dict(zip(keys, v)))
        layers.append(rows)
    for combo in itertools.product(*layers):
        merged = {}
        for part in combo:
            merged.update(part)
        yield merged


def _to_entente_input(observations, version):
    if version == "2.1":
        objects = []
        for bundle in observations:
            objects.extend(bundle.get("objects", []))
        return {"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000000",
                "objects": objects}
    # The 2.0 Unicode tests still call the container by its draft name; the reference
    # does not look at the type of what it is given, entente reads observed-data.
    for sdo in observations:
        if isinstance(sdo, dict) and sdo.get("type") == "cybox-container":
            sdo["type"] = "observed-data"
    return observations


def _jsonable(value):
    # The reference tests use only JSON values in their observations.
    return json.loads(json.dumps(value))


def main():
    ref_root, out_dir = sys.argv[1], sys.argv[2]
    sys.path.insert(0, ref_root)
    _install_pytest_stand_in()
    from stix2matcher import matcher as ref_matcher

    diff_path = os.path.join(out_dir, "differences.json")
    differences = {}
    if os.path.exists(diff_path):
        with open(diff_path) as f:
            differences = json.load(f)

    total = 0
    written = set()
    for version_dir in ("v20", "v21"):
        test_dir = os.path.join(ref_root, "stix2matcher", "test", version_dir)
        for name in sorted(os.listdir(test_dir)):
            if not (name.startswith("test_") and name.endswith(".py")):
                continue
            module = importlib.import_module(
                "stix2matcher.test.%s.%s" % (version_dir, name[:-3]))
            for fn_name in sorted(dir(module)):
                fn = getattr(module, fn_name)
                if not (fn_name.startswith("test_") and callable(fn) and
                        "_params" in getattr(fn, "__dict__", {})):
                    continue
                cases = []
                for index, kwargs in enumerate(_param_sets(fn)):
                    calls = []

                    def recorder(pattern, observed, verbose=False,
                                 stix_version=ref_matcher.DEFAULT_VERSION):
                        entry = {"pattern": pattern, "stix_version": stix_version,
                                 "observations": _jsonable(copy.deepcopy(observed))}
                        calls.append(entry)
                        try:
                            result = ref_matcher.match(pattern, observed, verbose,
                                                       stix_version)
                        except Exception as e:  # the test decides what it expected
                            entry["raised"] = type(e).__name__
                            raise
                        entry["matched"] = bool(result)
                        return result

                    module.match = recorder
                    try:
                        fn(**kwargs)
                    except AssertionError as e:
                        raise SystemExit("reference test %s.%s[%d] fails on the reference: %s"
                                         % (name, fn_name, index, e))
                    for k, call in enumerate(calls):
                        raised = call.pop("raised", None)
                        if raised is None:
                            expect = "match" if call.pop("matched") else "no_match"
                        elif raised == "ParseException":
                            expect = "parse_error"
                        else:
                            expect = "error"
                        case_id = "%s.%s.%s.%d" % (version_dir, name[:-3], fn_name, index)
                        if len(calls) > 1:
                            case_id += ".%d" % k
                        case = {"id": case_id, "pattern": call["pattern"],
                                "stix_version": call["stix_version"],
                                "expect": expect}
                        if raised is not None:
                            case["reference"] = raised
                        if case_id in differences:
                            case["skip"] = differences[case_id]
                        case["observations"] = _to_entente_input(call["observations"],
                                                                 call["stix_version"])
                        cases.append(case)
                if not cases:
                    continue
                total += len(cases)
                out_name = "%s_%s_%s.json" % (version_dir, name[len("test_"):-3],
                                              fn_name[len("test_"):])
                written.add(out_name)
                doc = {"source": "cti-pattern-matcher 3.0.0, stix2matcher/test/%s/%s, %s"
                       % (version_dir, name, fn_name)}
                shared = [c["observations"] for c in cases]
                if all(o == shared[0] for o in shared):
                    # One set of observations for every case: written once.
                    doc["observations"] = shared[0]
                    for c in cases:
                        del c["observations"]
                doc["cases"] = cases
                with open(os.path.join(out_dir, out_name), "w") as f:
                    json.dump(doc, f, indent=1, ensure_ascii=False)
                    f.write("\n")
    unknown = sorted(set(differences) - _all_ids(out_dir, written))
    if unknown:
        raise SystemExit("differences.json names cases that do not exist: %s" % unknown)
    print("ported %d cases into %d files" % (total, len(written)))


def _all_ids(out_dir, files):
    ids = set()
    for name in files:
        with open(os.path.join(out_dir, name)) as f:
            ids.update(c["id"] for c in json.load(f)["cases"])
    return ids


if __name__ == "__main__":
    main()
