"""Multi-node harness: several real `entente` nodes on 127.0.0.1, driven through the CLI
and TAXII. ENTENTE_BIN names the binary. Every wait is bounded; every server a test
starts is stopped when the test ends."""
import http.client
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest
import uuid

BIN = os.environ.get("ENTENTE_BIN", "entente")
TAXII = "application/taxii+json;version=2.1"
AUDIENCE_EXT = "extension-definition--1641d5b9-e8f9-4e50-b7c8-ac882f4d424e"
TLP = {
    "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
TIMEOUT = 120


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def indicator(tlp, creator, audience=None, n=1):
    obj = {
        "type": "indicator", "spec_version": "2.1",
        "id": "indicator--" + str(uuid.uuid4()),
        "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z",
        "name": "federation test %s" % tlp,
        "pattern": "[ipv4-addr:value = '198.51.100.%d']" % (n % 250 + 1),
        "pattern_type": "stix", "valid_from": "2024-01-01T00:00:00Z",
        "created_by_ref": creator,
        "object_marking_refs": [TLP[tlp]],
    }
    if audience:
        ext = {"extension_type": "property-extension"}
        ext.update(audience)
        obj["extensions"] = {AUDIENCE_EXT: ext}
    return obj


class Node:
    """One node: a data folder, its admin token, and optionally a running server."""

    def __init__(self, tmp, name, jurisdiction):
        self.name = name
        self.dir = os.path.join(tmp, name)
        self.proc = None
        self.port = None
        self.stderr_path = os.path.join(tmp, name + ".stderr")
        out = self.ok("init", "--name", name, "--jurisdiction", jurisdiction)
        self.admin_token = [l for l in out.splitlines() if l.startswith("admin token: ")][0][13:]

    def cli(self, *args, timeout=TIMEOUT):
        # --data goes after the subcommand words, as ENTENTE_DATA works anywhere.
        env = dict(os.environ)
        env["ENTENTE_DATA"] = self.dir
        return subprocess.run([BIN] + list(args), capture_output=True, text=True,
                              timeout=timeout, env=env)

    def ok(self, *args):
        r = self.cli(*args)
        if r.returncode != 0:
            raise AssertionError("entente %s failed (%d): %s %s" %
                                 (" ".join(args), r.returncode, r.stdout, r.stderr))
        return r.stdout

    def org(self, org_id, *extra):
        return self.ok("org", "add", org_id, "--name", org_id, "--country", "FR",
                       *extra).strip()

    def token(self, org_id):
        return self.ok("token", "create", "--org", org_id).strip()

    def collection(self, title, read, write, tlp="amber"):
        return self.ok("collection", "add", "--title", title, "--tlp", tlp,
                       "--read", ",".join(read), "--write", ",".join(write)).strip()

    def url(self):
        return "http://127.0.0.1:%d/api/" % self.port

    def start(self, port=0, timeout=30, extra=()):
        self.stderr = open(self.stderr_path, "a")
        self.proc = subprocess.Popen(
            [BIN, "serve", "--data", self.dir, "--listen", "127.0.0.1:%d" % port] + list(extra),
            stdout=subprocess.PIPE, stderr=self.stderr, text=True)
        deadline = time.time() + timeout
        while time.time() < deadline:
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.5)
            if ready:
                line = self.proc.stdout.readline()
                if line.startswith("listening on http://"):
                    self.port = int(line[len("listening on http://"):].split("/")[0]
                                    .rsplit(":", 1)[1])
                    return
                if not line:
                    break
        raise AssertionError("%s did not start: %s" % (self.name, self.log()))

    def stop(self):
        if self.proc is not None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)
            self.proc.stdout.close()
            self.stderr.close()
            self.proc = None

    def log(self):
        try:
            with open(self.stderr_path) as f:
                return f.read()
        except OSError:
            return ""

    def request(self, method, path, token, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Accept": TAXII, "Authorization": "Bearer " + token}
        if body is not None:
            body = json.dumps(body)
            headers["Content-Type"] = TAXII
        conn.request(method, path, body=body, headers=headers)
        res = conn.getresponse()
        data = res.read()
        conn.close()
        return res.status, (json.loads(data) if data else None)

    def post(self, collection, token, objects):
        status, body = self.request("POST", "/api/collections/%s/objects/" % collection, token,
                                    {"objects": objects})
        if status != 202 or body.get("failure_count", 0):
            raise AssertionError("POST failed: %s %s" % (status, body))
        return body

    def ingest(self, collection, org, objects, tmp):
        path = os.path.join(tmp, "bundle-%s.json" % uuid.uuid4())
        with open(path, "w") as f:
            json.dump({"type": "bundle", "id": "bundle--" + str(uuid.uuid4()),
                       "objects": objects}, f)
        return self.ok("ingest", "--collection", collection, "--as", org, path)

    def kill(self):
        """SIGKILL: no chance to finish anything."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(timeout=30)
            self.proc.stdout.close()
            self.stderr.close()
            self.proc = None

    def versions(self, collection):
        """Every stored (id, version) pair of `collection`, as a list (duplicates kept)."""
        bundle = json.loads(self.ok("export", "--collection", collection, "--all-versions"))
        return [(o["id"], o.get("modified", o.get("created", "")))
                for o in bundle.get("objects", [])]

    def stored(self, collection):
        """Every object the node holds in `collection`, as the local operator sees it
        (export without --as): id -> object (last version)."""
        bundle = json.loads(self.ok("export", "--collection", collection))
        return {o["id"]: o for o in bundle.get("objects", [])}

    def identity(self, org_id):
        for line in self.ok("org", "list", "--json").splitlines():
            o = json.loads(line)
            if o["id"] == org_id:
                return o["identity_id"]
        raise AssertionError("no org " + org_id)

    def peer(self, *args):
        return self.cli("peer", *args)

    def sync(self, peer_name):
        """One round now; returns the counters line as a dict."""
        r = self.cli("peer", "sync", peer_name)
        counts = {}
        for part in r.stdout.strip().split(", "):
            if " " in part:
                k, v = part.rsplit(" ", 1)
                counts[k] = int(v)
        return r.returncode, counts, r.stderr


def print_node_logs(nodes, out):
    """After a failure: the end of each node's server log, named, on `out`."""
    for name, node in nodes.items():
        tail = node.log()[-1500:]
        if tail:
            print("--- %s log (end) ---\n%s" % (name, tail), file=out)


def stop_nodes(nodes, tmp, keep, out):
    """Stops every node; removes their folder `tmp` unless `keep` (then says where)."""
    for node in nodes.values():
        node.stop()
    if keep:
        print("nodes' data kept in %s" % tmp, file=out)
    else:
        shutil.rmtree(tmp, ignore_errors=True)


class FederationCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="entente-fed-")
        self.nodes = []

    def tearDown(self):
        for n in self.nodes:
            n.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def node(self, name, jurisdiction):
        n = Node(self.tmp, name, jurisdiction)
        self.nodes.append(n)
        return n


class GateProxy:
    """A TCP proxy on 127.0.0.1 in front of `target_port`, for cutting a sync at an exact
    point: after the `hold_after`-th request whose first bytes are `marker` (for example
    b"POST /api/collections/"), answers from the server are no longer passed back (the
    request itself is), and `held` is set. `release()` passes everything again; new
    connections always go to the current `target_port`."""

    def __init__(self, target_port, marker=b"", hold_after=0):
        self.target_port = target_port
        self.marker = marker
        self.hold_after = hold_after
        self.seen = 0
        self.held = threading.Event()
        self.lock = threading.Lock()
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.closing = False
        self.conns = []
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self):
        return "http://127.0.0.1:%d/api/" % self.port

    def release(self):
        with self.lock:
            self.marker = b""
            self.held.clear()

    def close(self):
        self.closing = True
        self.sock.close()
        for c in list(self.conns):
            try:
                c.close()
            except OSError:
                pass

    def _accept(self):
        while not self.closing:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            self.conns += [client, server]
            threading.Thread(target=self._pipe, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, False),
                             daemon=True).start()

    def _pipe(self, src, dst, upstream):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if upstream:
                    with self.lock:
                        if self.marker and data.startswith(self.marker):
                            self.seen += 1
                            if self.seen >= self.hold_after:
                                self.held.set()
                else:
                    while self.held.is_set() and not self.closing:
                        time.sleep(0.01)  # the answer waits here, unseen by the client
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
