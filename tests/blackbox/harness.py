"""Black-box harness: drives the real `entente` binary (CLI and TAXII server) on loopback.

ENTENTE_BIN names the binary; ENTENTE_SHARED_DATA the test data folder (tests/data: real STIX samples).
Every wait is bounded; every server a test starts is killed when the test ends.
"""
import base64
import http.client
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
import uuid

BIN = os.environ.get("ENTENTE_BIN", "entente")
SHARED_DATA = os.environ.get(
    "ENTENTE_SHARED_DATA",
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data"))
STIX_DIR = os.path.join(SHARED_DATA, "stix")
TAXII = "application/taxii+json;version=2.1"
STIX = "application/stix+json;version=2.1"
AUDIENCE_EXT = "extension-definition--1641d5b9-e8f9-4e50-b7c8-ac882f4d424e"
TLP = {
    "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "white": "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
    "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
CMD_TIMEOUT = 120


def run(args, data=None, timeout=CMD_TIMEOUT, stdin=None):
    """Runs `entente ARGS` (with --data DATA after the subcommand words). Returns
    CompletedProcess with text stdout/stderr."""
    argv = [BIN] + list(args)
    env = dict(os.environ)
    if data is not None:
        env["ENTENTE_DATA"] = data
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env,
                          input=stdin)


def indicator(n=None, modified=None, **extra):
    """A valid STIX 2.1 indicator with a fresh id."""
    ts = modified or "2024-01-01T00:00:00.000Z"
    obj = {
        "type": "indicator", "spec_version": "2.1",
        "id": "indicator--" + str(uuid.uuid4()),
        "created": "2024-01-01T00:00:00.000Z", "modified": ts,
        "name": "bb indicator %s" % (n if n is not None else ""),
        "pattern": "[ipv4-addr:value = '198.51.100.%d']" % ((n or 1) % 250 + 1),
        "pattern_type": "stix", "valid_from": "2024-01-01T00:00:00Z",
    }
    obj.update(extra)
    return obj


def instant(ts):
    """An RFC 3339 UTC timestamp as (seconds text, microseconds) so that equal instants
    written with different precision compare equal."""
    base, _, frac = ts.rstrip("Z").partition(".")
    return (base, int((frac + "000000")[:6]))


def envelope(objects):
    return json.dumps({"objects": objects})


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # lower-case name -> value
        self.body = body  # bytes

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return "Response(%d, %r, %r)" % (self.status, self.headers, self.body[:400])


class Node:
    """One initialised data folder and, when started, its server."""

    def __init__(self, tmp, name="bbnode", jurisdiction="FR"):
        self.dir = os.path.join(tmp, "node")
        self.name = name
        self.proc = None
        self.port = None
        r = run(["init", "--data", self.dir, "--name", name, "--jurisdiction", jurisdiction])
        if r.returncode != 0:
            raise AssertionError("init failed: %r" % (r,))
        lines = r.stdout.strip().splitlines()
        self.init_stdout = lines
        self.admin_token = lines[2].split(":", 1)[1].strip()

    def cli(self, *args, timeout=CMD_TIMEOUT, stdin=None):
        return run(list(args), data=self.dir, timeout=timeout, stdin=stdin)

    def ok(self, *args):
        r = self.cli(*args)
        if r.returncode != 0:
            raise AssertionError("entente %s failed: %d %s %s" %
                                 (" ".join(args), r.returncode, r.stdout, r.stderr))
        return r.stdout.strip()

    def add_org(self, org_id, *extra):
        """Adds an organisation; returns its identity id."""
        return self.ok("org", "add", org_id, "--name", org_id + " name", "--country", "DE",
                       *extra)

    def token(self, org_id, *extra):
        return self.ok("token", "create", "--org", org_id, *extra).splitlines()[-1].strip()

    def collection(self, title, read=(), write=(), tlp=None):
        args = ["collection", "add", "--title", title]
        if read:
            args += ["--read", ",".join(read)]
        if write:
            args += ["--write", ",".join(write)]
        if tlp:
            args += ["--tlp", tlp]
        return self.ok(*args).splitlines()[-1].strip()

    # -- server ---------------------------------------------------------------------
    def start(self, timeout=30, extra_args=(), log_path=None, preexec_fn=None, port=0):
        """Starts `entente serve` (with `extra_args`) on `port` (0: a free one); its stderr
        (the log) goes to `log_path` when given; `preexec_fn` runs in the child before exec
        (e.g. setrlimit)."""
        assert self.proc is None
        stderr = subprocess.DEVNULL
        if log_path is not None:
            stderr = open(log_path, "ab")
        try:
            self.proc = subprocess.Popen([BIN, "serve", "--data", self.dir, "--listen",
                                          "127.0.0.1:%d" % port, "--threads", "2"]
                                         + list(extra_args),
                                         stdout=subprocess.PIPE, stderr=stderr,
                                         start_new_session=True, preexec_fn=preexec_fn)
        finally:
            if log_path is not None:
                stderr.close()
        deadline = time.monotonic() + timeout
        buf = b""
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.5)
            if ready:
                chunk = os.read(self.proc.stdout.fileno(), 4096)
                if not chunk:
                    break
                buf += chunk
                for line in buf.decode("utf-8", "replace").splitlines():
                    if line.startswith("listening on http://"):
                        hostport = line[len("listening on http://"):].split("/")[0]
                        self.port = int(hostport.rsplit(":", 1)[1])
                        return self
            if self.proc.poll() is not None:
                break
        self.kill()
        raise AssertionError("server did not print its listening line: %r" % buf)

    def kill(self, sig=signal.SIGKILL):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                os.kill(self.proc.pid, sig)
            except ProcessLookupError:
                pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=20)
        if self.proc.stdout:
            self.proc.stdout.close()
        self.proc = None
        self.port = None

    def request(self, method, path, token=None, body=None, headers=None, basic=None,
                timeout=60):
        """One HTTP request on a fresh connection. `token` -> Bearer; `basic` -> (user, pw).
        Default Accept is the TAXII media type; a body defaults to Content-Type TAXII."""
        h = {"Accept": TAXII}
        if token is not None:
            h["Authorization"] = "Bearer " + token
        if basic is not None:
            raw = ("%s:%s" % basic).encode()
            h["Authorization"] = "Basic " + base64.b64encode(raw).decode()
        if body is not None:
            if not isinstance(body, (bytes, str)):
                body = json.dumps(body)
            if isinstance(body, str):
                body = body.encode("utf-8")
            h["Content-Type"] = TAXII
        if headers:
            for k, v in headers.items():
                if v is None:
                    h.pop(k, None)
                else:
                    h[k] = v
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=h)
            resp = conn.getresponse()
            data = resp.read()
            return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, data)
        finally:
            conn.close()


def wait_status(node, token, status_path, timeout=120):
    """Polls a TAXII status resource until it is complete (bounded). Returns its JSON."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        r = node.request("GET", status_path, token=token)
        if r.status != 200:
            raise AssertionError("status GET %s -> %r" % (status_path, r))
        last = r.json()
        if last.get("status") == "complete":
            return last
        time.sleep(0.05)
    raise AssertionError("status never completed: %r" % last)


class NodeTest(unittest.TestCase):
    """Base: a fresh data folder per test in a temporary directory, removed afterwards;
    servers started with self.start_node() are killed at cleanup."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="entente-bb-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.node = Node(self.tmp)
        self.addCleanup(self.node.kill)

    def fresh_node(self, name, node_name="bbnode", jurisdiction="FR"):
        d = os.path.join(self.tmp, name)
        os.mkdir(d)
        n = Node(d, node_name, jurisdiction)
        self.addCleanup(n.kill)
        return n
