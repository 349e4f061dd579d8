"""Black-box test of `entente match --indicators FILE --observations FILE|-`.

Drives the real binary (ENTENTE_BIN) with hundreds of JSON lines - more than one of the
batches the command parses into one arena and matches together - holding hits and
misses, bare SCOs without ids (reported by line number), records with two hits, an
evaluated (gated) indicator, blank lines, a JSON value that is not an object and a
malformed line in the middle. The hits must come out exactly as the indicators say, in
input order, the same from a file and from stdin, with exit code 1 (a line was bad) and
the bad line named on stderr. A line that arrives alone on stdin is matched at once,
before the input ends. Python 3 standard library only.
"""
import json
import os
import re
import select
import subprocess
import tempfile
import time
import unittest

BIN = os.environ.get("ENTENTE_BIN", "entente")
TIMEOUT = 120

IND = {
    "ip": "indicator--00000000-0000-4000-8000-000000000001",
    "dom": "indicator--00000000-0000-4000-8000-000000000002",
    "net": "indicator--00000000-0000-4000-8000-000000000003",
    "url": "indicator--00000000-0000-4000-8000-000000000004",
    "big": "indicator--00000000-0000-4000-8000-000000000005",
    "sha": "indicator--00000000-0000-4000-8000-000000000006",
    "revoked": "indicator--00000000-0000-4000-8000-000000000007",
}
SHA = "ab" * 32
TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def indicator(key, pattern, modified="2024-01-01T00:00:00.000Z", **extra):
    obj = {
        "type": "indicator", "spec_version": "2.1", "id": IND[key],
        "created": "2024-01-01T00:00:00.000Z", "modified": modified,
        "pattern": pattern, "pattern_type": "stix", "valid_from": "2024-01-01T00:00:00Z",
    }
    obj.update(extra)
    return obj


def indicators_bundle():
    return {"type": "bundle", "id": "bundle--00000000-0000-4000-8000-00000000000a", "objects": [
        indicator("ip", "[ipv4-addr:value = '198.51.100.7']"),
        # An older version of the same id says something else: the newest one wins.
        indicator("dom", "[domain-name:value = 'old.example']",
                  modified="2023-01-01T00:00:00.000Z"),
        indicator("dom", "[domain-name:value = 'evil.example']"),
        indicator("net", "[ipv4-addr:value ISSUBSET '203.0.113.0/24']"),
        indicator("url", "[url:value LIKE 'http://bad.example/%']"),
        # Not a fast-path pattern: pattern::Matcher decides it.
        indicator("big", "[file:size > 1000000]"),
        indicator("sha", "[file:hashes.'SHA-256' = '%s']" % SHA),
        indicator("revoked", "[domain-name:value = 'evil.example']", revoked=True),
        {"type": "malware", "id": "malware--00000000-0000-4000-8000-00000000000b",
         "spec_version": "2.1", "created": "2024-01-01T00:00:00.000Z",
         "modified": "2024-01-01T00:00:00.000Z", "name": "x", "is_family": False},
    ]}


def observed(n, *scos):
    """A STIX 2.0-style observed-data line with embedded objects."""
    return {"type": "observed-data", "id": "observed-data--%08d-0000-4000-8000-000000000000" % n,
            "first_observed": "2024-01-01T00:00:00Z", "last_observed": "2024-01-01T00:00:00Z",
            "number_observed": 1, "objects": {str(k): s for k, s in enumerate(scos)}}


def build_input(n_records=700, bad_at=301):
    """Returns (text of the observation lines, expected hits as a list of
    (observation, set of indicator ids)) in input order."""
    lines, expected = [], []

    def add(record, hit_keys, observation):
        lines.append(json.dumps(record) if not isinstance(record, str) else record)
        if hit_keys:
            expected.append((observation, {IND[k] for k in hit_keys}))

    for i in range(n_records):
        line_no = len(lines) + 1
        if i == bad_at:
            add('{"type": "observed-data", "id": "observed-data--broken", "objects": {', [], None)
            add("", [], None)  # a blank line: skipped, but it still counts as a line
            add("42", [], None)  # valid JSON, no observation in it
            continue
        kind = i % 9
        od_id = "observed-data--%08d-0000-4000-8000-000000000000" % i
        if kind == 0:
            add(observed(i, {"type": "ipv4-addr", "value": "198.51.100.7"}), ["ip"], od_id)
        elif kind == 1:
            add(observed(i, {"type": "domain-name", "value": "evil.example"}), ["dom"], od_id)
        elif kind == 2:
            add(observed(i, {"type": "ipv4-addr", "value": "203.0.113.%d" % (i % 256)}), ["net"],
                od_id)
        elif kind == 3:  # a bare SCO without an id: reported by its line number
            add({"type": "url", "value": "http://bad.example/p%d" % i}, ["url"], line_no)
        elif kind == 4:  # misses only
            add(observed(i, {"type": "ipv4-addr", "value": "192.0.2.%d" % (i % 256)},
                         {"type": "domain-name", "value": "old.example"},
                         {"type": "url", "value": "https://bad.example/"}), [], None)
        elif kind == 5:  # evaluated: a large file hits, a small one does not
            big = i % 2 == 1
            add(observed(i, {"type": "file", "name": "f%d.bin" % i,
                             "size": 2000000 if big else 5}), ["big"] if big else [], od_id)
        elif kind == 6:  # two hits from one record
            add(observed(i, {"type": "ipv4-addr", "value": "198.51.100.7"},
                         {"type": "domain-name", "value": "evil.example"}), ["ip", "dom"], od_id)
        elif kind == 7:  # a STIX 2.1 bundle: the observed-data refers to its SCOs
            sco = "file--%08d-0000-4000-8000-000000000000" % i
            add({"type": "bundle", "id": "bundle--%08d-0000-4000-8000-000000000000" % i,
                 "objects": [
                     {"type": "observed-data", "id": od_id, "spec_version": "2.1",
                      "first_observed": "2024-01-01T00:00:00Z",
                      "last_observed": "2024-01-01T00:00:00Z", "number_observed": 1,
                      "object_refs": [sco]},
                     {"type": "file", "id": sco, "spec_version": "2.1",
                      "hashes": {"SHA-256": SHA if i % 2 else "cd" * 32}}]},
                ["sha"] if i % 2 else [], od_id)
        else:  # a miss that looks close to hits
            add(observed(i, {"type": "ipv4-addr", "value": "198.51.100.70"},
                         {"type": "domain-name", "value": "evil.example.org"}), [], None)
    return "\n".join(lines) + "\n", expected


def group_hits(test, stdout):
    """Parses the output lines and groups consecutive hits by observation:
    [(observation, set of indicator ids)]."""
    groups = []
    for raw in stdout.splitlines():
        hit = json.loads(raw)
        test.assertEqual(set(hit), {"indicator", "observation", "time"}, raw)
        test.assertRegex(hit["time"], TIME_RE)
        if groups and groups[-1][0] == hit["observation"]:
            test.assertNotIn(hit["indicator"], groups[-1][1], "hit twice: " + raw)
            groups[-1][1].add(hit["indicator"])
        else:
            groups.append((hit["observation"], {hit["indicator"]}))
    return groups


class MatchCommandTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="entente-match-")
        self.indicators = os.path.join(self.tmp.name, "indicators.json")
        with open(self.indicators, "w") as f:
            json.dump(indicators_bundle(), f)
        self.text, self.expected = build_input()
        self.observations = os.path.join(self.tmp.name, "observations.jsonl")
        with open(self.observations, "w") as f:
            f.write(self.text)

    def tearDown(self):
        self.tmp.cleanup()

    def run_match(self, source, stdin=None):
        return subprocess.run([BIN, "match", "--indicators", self.indicators,
                               "--observations", source, "--stats"],
                              input=stdin, capture_output=True, text=True, timeout=TIMEOUT)

    def check(self, r):
        self.assertEqual(r.returncode, 1, r.stderr)  # done, but one line was not JSON
        self.assertEqual(group_hits(self, r.stdout), self.expected)
        self.assertIn("line 302: not valid JSON", r.stderr)
        self.assertEqual(len(re.findall(r"line \d+:", r.stderr)), 1, r.stderr)
        stats = json.loads(r.stderr.strip().splitlines()[-1])
        self.assertEqual(stats["indicators"], 6)  # the revoked one is not loaded
        self.assertEqual(stats["bad_lines"], 1)
        self.assertEqual(stats["records"], 700)  # every JSON line, "42" included
        self.assertEqual(stats["hits"], sum(len(ids) for _, ids in self.expected))

    def test_observations_from_a_file(self):
        self.check(self.run_match(self.observations))

    def test_observations_from_stdin(self):
        self.check(self.run_match("-", stdin=self.text))

    def test_the_workload_spans_several_batches(self):
        # The command matches up to 256 buffered lines together: the input must be
        # larger than that, with hits in every part of it, for the tests above to matter.
        self.assertGreater(len(self.text.splitlines()), 2 * 256)
        self.assertGreater(len(self.expected), 400)
        lines = [o for o, _ in self.expected if isinstance(o, int)]
        self.assertTrue(any(n > 512 for n in lines))

    def test_all_lines_valid_exit_zero(self):
        good = "\n".join(line for line in self.text.splitlines()
                         if not line.startswith('{"type": "observed-data", "id": "observed-data--broken"'))
        r = self.run_match("-", stdin=good + "\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        # Bare SCOs after the removed line moved up by one line.
        want = [(o - 1 if isinstance(o, int) and o > 302 else o, ids) for o, ids in self.expected]
        self.assertEqual(group_hits(self, r.stdout), want)

    def test_a_line_arriving_alone_is_matched_at_once(self):
        p = subprocess.Popen([BIN, "match", "--indicators", self.indicators,
                              "--observations", "-"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL)
        try:
            for n, value in enumerate(["198.51.100.7", "203.0.113.9"]):
                rec = observed(n, {"type": "ipv4-addr", "value": value})
                p.stdin.write((json.dumps(rec) + "\n").encode())
                p.stdin.flush()
                # The hit must come out while stdin is still open.
                ready, _, _ = select.select([p.stdout], [], [], TIMEOUT)
                self.assertTrue(ready, "no output for a line before the input ended")
                hit = json.loads(p.stdout.readline())
                self.assertEqual(hit["observation"], rec["id"])
                self.assertEqual(hit["indicator"], IND["ip" if n == 0 else "net"])
            p.stdin.close()
            self.assertEqual(p.stdout.read(), b"")
            self.assertEqual(p.wait(timeout=TIMEOUT), 0)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
            p.stdout.close()
            if not p.stdin.closed:
                p.stdin.close()



class LiveIndicatorsTest(unittest.TestCase):
    """Which versions of an indicator `entente match` compiles (STIX 2.1 section 3.6):
    the one with the latest `modified` as a time, not as text; none once any version is
    revoked; none when the current version is not STIX patterning."""

    def test_current_versions_only(self):
        def version(n, modified, pattern, **extra):
            obj = {"type": "indicator", "spec_version": "2.1",
                   "id": "indicator--00000000-0000-4000-8000-1000000000%02d" % n,
                   "created": "2024-01-01T00:00:00Z", "modified": modified,
                   "pattern": pattern, "pattern_type": "stix",
                   "valid_from": "2024-01-01T00:00:00Z"}
            obj.update(extra)
            return obj

        def domain(name):
            return "[domain-name:value = '%s']" % name

        objects = [
            # ".5Z" is half a second after "Z", although it sorts before it as text.
            version(1, "2024-01-01T00:00:00.5Z", domain("newer.example")),
            version(1, "2024-01-01T00:00:00Z", domain("older.example")),
            # The newest version is a Sigma rule: the older STIX one is not current.
            version(2, "2024-01-01T00:00:00.000Z", domain("sigma.example")),
            version(2, "2024-02-01T00:00:00.000Z", "title: x", pattern_type="sigma"),
            # Revocation is permanent: a later version cannot undo it.
            version(3, "2024-02-01T00:00:00.000Z", domain("revoked.example"), revoked=True),
            version(3, "2024-03-01T00:00:00.000Z", domain("revoked.example"), revoked=False),
            version(4, "2024-01-01T00:00:00.000Z", domain("plain.example")),
        ]
        with tempfile.TemporaryDirectory(prefix="entente-live-") as tmp:
            path = os.path.join(tmp, "indicators.json")
            with open(path, "w") as f:
                json.dump({"type": "bundle", "id": "bundle--00000000-0000-4000-8000-100000000000",
                           "objects": objects}, f)
            names = ["newer.example", "older.example", "sigma.example", "revoked.example",
                     "plain.example"]
            lines = "".join(json.dumps({"type": "domain-name", "value": n}) + "\n" for n in names)
            r = subprocess.run([BIN, "match", "--indicators", path, "--observations", "-",
                                "--stats"], input=lines, capture_output=True, text=True,
                               timeout=TIMEOUT)
        self.assertEqual(r.returncode, 0, r.stderr)
        hits = [(h["observation"], h["indicator"][-2:])
                for h in map(json.loads, r.stdout.splitlines())]
        self.assertEqual(hits, [(1, "01"), (5, "04")])
        self.assertEqual(json.loads(r.stderr.strip().splitlines()[-1])["indicators"], 2)

if __name__ == "__main__":
    unittest.main()
