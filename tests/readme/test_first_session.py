"""The README's "A first session" and "Sightings back to the publisher", run on a fresh
clone of the repository.

Clones the committed HEAD of the repository (ENTENTE_REPO) into an empty temporary
folder with nothing beside it, takes the commands of the README's "A first session" code
block from that clone, and runs them with bash in the clone's root, with B set to the
built binary (ENTENTE_BIN) and the server on a free loopback port instead of 9440. The
outputs the README shows in its `#   ` comment lines must appear, in order ("…" stands
for any text on one line). Nothing is fetched from the network: the clone is local and
the server listens on 127.0.0.1.

If this test fails, the README and reality disagree: fix whichever is wrong.
Python 3 standard library only.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import unittest

REPO = os.environ.get("ENTENTE_REPO",
                      os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
BIN = os.environ.get("ENTENTE_BIN", "")
README_PORT = "127.0.0.1:9440"


def block_after(readme, heading):
    """The text of the first ```sh block after the "## HEADING" heading."""
    m = re.search(r"^## " + re.escape(heading) + r"\s*$(.*?)^```sh\n(.*?)^```\s*$", readme,
                  re.M | re.S)
    if not m:
        raise AssertionError('README.md has no "## %s" heading with a ```sh block' % heading)
    return m.group(2)


def first_session_block(readme):
    return block_after(readme, "A first session")


def expectations(block):
    """The output lines the README shows: comment lines indented by three spaces
    ("#   text"); a comment indented by four continues the line above it (an output line
    too long for the page)."""
    shown = []
    for line in block.splitlines():
        m = re.match(r"^#   (\S.*)$", line)
        if m:
            shown.append(m.group(1).rstrip())
            continue
        m = re.match(r"^#    +(\S.*)$", line)
        if m and shown:
            shown[-1] += m.group(1).rstrip()
    return shown


def as_regex(shown):
    """A README output line as a regex for one whole line: literal text, "…" for any
    text within the line."""
    return "^" + "[^\n]*?".join(re.escape(part) for part in shown.split("…")) + "$"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def runnable(block, binary, port, readme_port=README_PORT):
    """The block as a bash script: B is the built binary, the server listens on `port`
    (instead of `readme_port`) with its output in serve.log, and the script waits until it
    accepts connections."""
    if not re.search(r"^B=\S+$", block, re.M):
        raise AssertionError("the block does not start by setting B=… to the binary")
    if readme_port not in block:
        raise AssertionError(f"the block does not serve on {readme_port}")
    lines = []
    serves = 0
    for line in block.splitlines():
        if re.match(r"^B=\S+$", line):
            lines.append(f"B='{binary}'")
            continue
        line = line.replace(readme_port, f"127.0.0.1:{port}")
        if re.match(r"^\$B serve\b.*&\s*$", line):
            serves += 1
            lines.append(line.rstrip()[:-1].rstrip() + " >serve.log 2>&1 &")
            lines.append("echo $! >serve.pid")
            lines.append(f"for i in $(seq 1 300); do (exec 3<>/dev/tcp/127.0.0.1/{port}) "
                         "2>/dev/null && break; sleep 0.1; done")
            continue
        lines.append(line)
    if serves != 1:
        raise AssertionError(f"expected one `$B serve … &` line in the first session, "
                             f"found {serves}")
    return ("set -eo pipefail\n"
            "trap 'kill $(cat serve.pid 2>/dev/null) 2>/dev/null || true' EXIT\n" +
            "\n".join(lines) + "\n")


class FirstSessionTest(unittest.TestCase):

    def setUp(self):
        if not BIN or not os.access(BIN, os.X_OK):
            self.fail(f"ENTENTE_BIN must name the built entente binary (got {BIN!r})")
        self.bin = os.path.abspath(BIN)
        self.tmp = tempfile.mkdtemp(prefix="entente-readme-")
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        # An empty folder holding only the clone: no ../shared, no build tree beside it.
        self.clone = os.path.join(self.tmp, "entente")
        env = dict(os.environ, GIT_TERMINAL_PROMPT="0")
        subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", REPO, self.clone],
                       check=True, env=env, timeout=300, stdin=subprocess.DEVNULL)
        self.assertEqual(sorted(os.listdir(self.tmp)), ["entente"])

    def test_first_session(self):
        with open(os.path.join(self.clone, "README.md"), encoding="utf-8") as f:
            block = first_session_block(f.read())
        shown = expectations(block)
        # What the README promises a reader will see; if these lines go, say so here.
        for needed in ("added 76, duplicate 0, invalid 0", "valid", "valid pattern"):
            self.assertIn(needed, shown, f"the README no longer shows {needed!r}")
        self.assertTrue(any(s.startswith('{"indicator":"indicator--') for s in shown),
                        "the README no longer shows a match line")

        self.run_block(block, shown, runnable(block, self.bin, free_port()))
        # The server really answered over TAXII: its access log names the partner's reads.
        self.assertRegex(self.serve_log(), r"listening on http://127\.0\.0\.1:\d+/taxii2/")

    def test_sightings_back_to_the_publisher(self):
        """Issue 14: "The README shows a newcomer feeding a Zeek or Suricata log and seeing
        the sighting arrive on the publishing node"."""
        with open(os.path.join(self.clone, "README.md"), encoding="utf-8") as f:
            block = block_after(f.read(), "Sightings back to the publisher")
        shown = expectations(block)
        self.assertTrue(any("sightings 1" in s for s in shown),
                        "the README no longer shows the sensor's summary")
        self.assertTrue(any('"type":"sighting"' in s for s in shown),
                        "the README no longer shows the sighting read on the publisher")
        self.run_block(block, shown, runnable(block, self.bin, free_port(), "127.0.0.1:9450"))

    def run_block(self, block, shown, script):
        env = {k: v for k, v in os.environ.items() if not k.startswith("ENTENTE_")}
        proc = subprocess.Popen(["bash", "-c", script], cwd=self.clone, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, text=True, start_new_session=True)
        try:
            out, _ = proc.communicate(timeout=240)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            self.kill_server()
        context = (f"\n--- script (run in {self.clone}) ---\n{script}"
                   f"\n--- output ---\n{out}\n--- serve.log ---\n{self.serve_log()}")
        self.assertEqual(proc.returncode, 0, "the README block failed" + context)

        position = 0
        for line in shown:
            m = re.compile(as_regex(line), re.M).search(out, position)
            self.assertIsNotNone(m, f"the README shows {line!r}, the session did not print "
                                    f"it (after offset {position})" + context)
            position = m.end()

    def serve_log(self):
        try:
            with open(os.path.join(self.clone, "serve.log"), encoding="utf-8",
                      errors="replace") as f:
                return f.read()
        except OSError:
            return "(no serve.log)"

    def kill_server(self):
        try:
            with open(os.path.join(self.clone, "serve.pid"), encoding="utf-8") as f:
                pid = int(f.read().strip())
        except (OSError, ValueError):
            return
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


if __name__ == "__main__":
    unittest.main()
