#!/usr/bin/env python3
"""The three-nation demo (issue 4): three real `entente serve` nodes on 127.0.0.1 share
threat intelligence under TLP 2.0, trust communities, named recipients and sovereignty
rules, and one screen shows what each node's analysts can read and why the rest stayed
home.

It lives in demo/ because it is neither a test nor a build script: it is the first thing
a newcomer runs (through scripts/demo.sh, which installs and builds first), and the
federation test suite runs it too (tests/federation, test `federation_demo`). It reuses
the node driver of the multi-node tests (tests/federation/fedharness.py), Python 3
standard library only.

Nothing printed is assumed: what "arrived" is read from each node over TAXII 2.1 with
its analysts' tokens, and every "withheld" reason and every sovereignty change is the
sending node's own gate answering `entente peer explain`. The expected outcome (the
rules of docs/sharing-rules.md) is written down beside each object below; any difference
between it and what the nodes hold is printed and makes the exit status 1.

  python3 demo/three_nations.py --bin build/entente [--keep] [--json FILE]
"""
import argparse
import json
import os
import signal
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ left in the source tree
sys.path.insert(0, os.path.join(HERE, "..", "tests", "federation"))
import fedharness  # noqa: E402
from fedharness import AUDIENCE_EXT, TLP, Node  # noqa: E402

HASH_KEY = "fr-de-nl key agreed at the 2026 CSIRTs meeting"

# The nodes: name -> (jurisdiction, what it is, communities its home organisation is in).
NODES = {
    "cert-fr": ("FR", "national CERT", ["eu-csirts", "eu-energy"]),
    "cert-de": ("DE", "national CERT", ["eu-csirts"]),
    "ee-isac": ("NL", "energy-sector ISAC", ["eu-energy"]),
}
ORDER = list(NODES)
MEMBER = "grid-op"  # an energy company reading at the ee-isac node, a client of ee-isac
MEMBER_NODE = "ee-isac"

# Sovereignty rules of cert-fr, per receiving node (the other nodes publish no personal
# data, so they need none).
RULES = {
    ("cert-fr", "cert-de"): ["email-addr.value=hash", "user-account=withhold"],
    ("cert-fr", "ee-isac"): ["email-addr=withhold", "user-account.display_name=redact",
                             "user-account.user_id=hash"],
}

# The personal data published by cert-fr; none of it may be readable in plain text on
# another node.
EMAIL = "jeanne.martin@example.org"
USER_ID = "jmartin"
DISPLAY_NAME = "Jeanne Martin"
PLAINTEXT = [EMAIL, USER_ID, DISPLAY_NAME]

# What is published, and what the rules say must happen to it. `expect` gives, per other
# node, "arrived" or "withheld", and for personal data the changes the gate must make;
# `member` says whether grid-op may read it at the ee-isac node (None: not held there).
#   audience: ("community", [...]) | ("recipient", [node names]) | ("person", n) | None
OBJECTS = [
    dict(name="phish-domain", by="cert-fr", tlp="clear", audience=None,
         expect={"cert-de": "arrived", "ee-isac": "arrived"}, member=True),
    dict(name="vpn-exploit", by="cert-fr", tlp="green", audience=("community", ["eu-csirts"]),
         expect={"cert-de": "arrived", "ee-isac": "withheld"}, member=None),
    dict(name="grid-c2", by="cert-fr", tlp="amber", audience=("recipient", ["ee-isac"]),
         expect={"cert-de": "withheld", "ee-isac": "arrived"}, member=True),
    dict(name="ministry-ioc", by="cert-fr", tlp="amber+strict",
         audience=("recipient", ["cert-de"]),
         expect={"cert-de": "arrived", "ee-isac": "withheld"}, member=None),
    dict(name="informant", by="cert-fr", tlp="red", audience=("person", 1),
         expect={"cert-de": "withheld", "ee-isac": "withheld"}, member=None),
    dict(name="victim-email", by="cert-fr", tlp="green",
         audience=("community", ["eu-csirts", "eu-energy"]), sco="email-addr",
         expect={"cert-de": ("arrived", ["value: hashed", "id: keyed"]),
                 "ee-isac": "withheld"}, member=None),
    dict(name="victim-account", by="cert-fr", tlp="green",
         audience=("community", ["eu-csirts", "eu-energy"]), sco="user-account",
         expect={"cert-de": "withheld",
                 "ee-isac": ("arrived", ["display_name: redacted", "user_id: hashed",
                                         "id: keyed"])}, member=True),
    dict(name="botnet-c2", by="cert-de", tlp="clear", audience=None,
         expect={"cert-fr": "arrived", "ee-isac": "arrived"}, member=True),
    dict(name="ot-advisory", by="cert-de", tlp="amber+strict",
         audience=("recipient", ["ee-isac"]),
         expect={"cert-fr": "withheld", "ee-isac": "arrived"}, member=False),
    dict(name="scada-scan", by="ee-isac", tlp="green", audience=("community", ["eu-energy"]),
         expect={"cert-fr": "arrived", "cert-de": "withheld"}, member=True),
]


class DemoError(Exception):
    pass


def audience_text(o):
    a = o["audience"]
    if a is None:
        return o["tlp"].upper()
    kind, what = a
    tail = "%d named person" % what if kind == "person" else "+".join(what)
    return "%s %s" % (o["tlp"].upper(), tail)


class Demo:
    def __init__(self, tmp):
        self.tmp = tmp
        self.nodes = {}      # name -> fedharness.Node
        self.identity = {}   # org id -> STIX identity id
        self.tokens = {}     # (node, org) -> token
        self.out = {}        # node -> its published collection
        self.inbox = {}      # (receiver, sender) -> collection on receiver

    # --- setting up --------------------------------------------------------------------
    def build(self):
        for name, (country, _, communities) in NODES.items():
            node = self.nodes[name] = Node(self.tmp, name, country)
            args = ["org", "add", name, "--name", name, "--country", country]
            for c in communities:
                args += ["--community", c]
            node.ok(*args)
            # One organisation per other node: that node's token here, for pushing.
            for other, (other_country, _, _) in NODES.items():
                if other != name:
                    node.ok("org", "add", "node-" + other, "--name", other + " node",
                            "--country", other_country)
        isac = self.nodes[MEMBER_NODE]
        isac.ok("org", "add", MEMBER, "--name", "Grid operator", "--country", "NL",
                "--sector", "energy", "--community", "eu-energy", "--client-of", MEMBER_NODE)
        for name, node in self.nodes.items():
            self.identity[name] = node.identity(name)
            readers = [name] + ([MEMBER] if name == MEMBER_NODE else [])
            self.out[name] = node.collection("published by " + name, readers, [name])
            self.tokens[(name, name)] = node.token(name)
            if name == MEMBER_NODE:
                self.tokens[(name, MEMBER)] = node.token(MEMBER)
            for other in NODES:
                if other != name:
                    self.inbox[(name, other)] = node.collection(
                        "from " + other, readers + ["node-" + other], ["node-" + other])
                    self.tokens[(name, "node-" + other)] = node.token("node-" + other)
        self.identity[MEMBER] = isac.identity(MEMBER)
        for node in self.nodes.values():
            node.start()
        # Every node pushes what it publishes to the other two.
        for name, node in self.nodes.items():
            for other, (country, _, communities) in NODES.items():
                if other == name:
                    continue
                args = ["add", other, "--url", self.nodes[other].url(),
                        "--token", self.tokens[(other, "node-" + name)],
                        "--jurisdiction", country,
                        "--recipient", self.identity[other],
                        "--push", "%s:%s" % (self.out[name], self.inbox[(other, name)]),
                        "--local-org", "node-" + other]
                if other == MEMBER_NODE:
                    args += ["--recipient", self.identity[MEMBER]]
                for c in communities:
                    args += ["--community", c]
                for rule in RULES.get((name, other), []):
                    args += ["--rule", rule]
                if RULES.get((name, other)):
                    args += ["--hash-key", HASH_KEY]
                r = node.peer(*args)
                if r.returncode != 0:
                    raise DemoError("peer add %s at %s failed: %s" % (other, name, r.stderr))

    def stix(self, o):
        creator = self.identity[o["by"]]
        marking = [TLP[o["tlp"]]]
        if o.get("sco") == "email-addr":
            obj = {"type": "email-addr", "value": EMAIL}
        elif o.get("sco") == "user-account":
            obj = {"type": "user-account", "user_id": USER_ID, "display_name": DISPLAY_NAME}
        else:
            obj = {"type": "indicator", "created_by_ref": creator,
                   "created": "2026-01-12T08:00:00.000Z", "modified": "2026-01-12T08:00:00.000Z",
                   "name": o["name"], "pattern_type": "stix",
                   "pattern": "[domain-name:value = '%s.example.net']" % o["name"],
                   "valid_from": "2026-01-12T08:00:00Z"}
        obj.update({"spec_version": "2.1", "id": "%s--%s" % (obj["type"], uuid.uuid4()),
                    "object_marking_refs": marking})
        if o["audience"] is not None:
            kind, what = o["audience"]
            ext = {"extension_type": "property-extension"}
            if kind == "community":
                ext["communities"] = list(what)
            elif kind == "recipient":
                ext["recipients"] = [self.identity[n] for n in what]
            else:
                ext["individuals"] = ["identity--" + str(uuid.uuid4()) for _ in range(what)]
            obj["extensions"] = {AUDIENCE_EXT: ext}
        return obj

    def publish(self):
        for name, node in self.nodes.items():
            mine = [o for o in OBJECTS if o["by"] == name]
            for o in mine:
                o["stix"] = self.stix(o)
            node.post(self.out[name], self.tokens[(name, name)], [o["stix"] for o in mine])

    # --- observing ---------------------------------------------------------------------
    def settle(self, timeout):
        """Waits until every push link has handled every published object (the peer
        acknowledged it, the gate withheld it, or the peer refused it), as `peer list`
        reports; returns the seconds it took."""
        start = time.time()
        published = {n: sum(1 for o in OBJECTS if o["by"] == n) for n in NODES}
        while True:
            pending = []
            for name, node in self.nodes.items():
                for line in node.ok("peer", "list", "--json").splitlines():
                    st = json.loads(line)
                    handled = st["pushed"] + st["withheld"] + st["refused"]
                    if handled < published[name] or st["last_error"]:
                        pending.append("%s -> %s: %d of %d handled%s" % (
                            name, st["name"], handled, published[name],
                            ", last error: " + st["last_error"] if st["last_error"] else ""))
            if not pending:
                return time.time() - start
            if time.time() - start > timeout:
                raise DemoError("sync did not settle within %d s: %s" % (timeout,
                                                                          "; ".join(pending)))
            time.sleep(0.1)

    def read(self, node_name, org, collection):
        """Every object `org` may read in `collection`, over TAXII: id -> object."""
        node = self.nodes[node_name]
        token = self.tokens[(node_name, org)]
        path = "/api/collections/%s/objects/" % collection
        seen, nxt = {}, None
        while True:
            status, body = node.request("GET", path + ("?next=" + nxt if nxt else ""), token)
            if status != 200:
                raise DemoError("GET %s at %s as %s: HTTP %s %s" % (path, node_name, org,
                                                                     status, body))
            for obj in (body or {}).get("objects", []):
                seen[obj["id"]] = obj
            if not (body or {}).get("more"):
                return seen
            nxt = body["next"]

    def explain(self, sender, receiver, obj_id):
        r = self.nodes[sender].peer("explain", receiver, "--collection", self.out[sender],
                                    "--object", obj_id)
        if r.returncode not in (0, 1):
            raise DemoError("peer explain failed at %s: %s" % (sender, r.stderr))
        out = {"send": False, "reason": "", "changes": [], "object": None}
        for line in r.stdout.splitlines():
            if line.startswith("decision: "):
                out["send"] = line[len("decision: "):] == "send"
            elif line.startswith("reason: "):
                out["reason"] = line[len("reason: "):]
            elif line.startswith("change: "):
                out["changes"].append(line[len("change: "):])
            elif line.startswith("{"):
                out["object"] = json.loads(line)
        return out

    def observe(self):
        """Fills every object's cells from what the nodes hold; returns the problems."""
        problems = []
        held = {}  # (receiver, sender) -> {id: obj} as the receiver's analysts read it
        for (receiver, sender), col in self.inbox.items():
            held[(receiver, sender)] = self.read(receiver, receiver, col)
            # Anything stored but hidden from the analysts would be a surprise too.
            stored = self.nodes[receiver].stored(col)
            for i in set(stored) - set(held[(receiver, sender)]):
                problems.append("%s holds %s from %s, but its analysts cannot read it" %
                                (receiver, i, sender))
        member_view = {}
        for col in [self.out[MEMBER_NODE]] + [c for (r, _), c in self.inbox.items()
                                               if r == MEMBER_NODE]:
            member_view.update(self.read(MEMBER_NODE, MEMBER, col))

        accounted = set()
        for o in OBJECTS:
            o["cells"] = {o["by"]: {"state": "published"}}
            for receiver in ORDER:
                if receiver == o["by"]:
                    continue
                gate = self.explain(o["by"], receiver, o["stix"]["id"])
                remote_id = gate["object"]["id"] if gate["object"] else o["stix"]["id"]
                got = held[(receiver, o["by"])].get(remote_id)
                if got is None and remote_id != o["stix"]["id"]:
                    got = held[(receiver, o["by"])].get(o["stix"]["id"])
                if got is not None:
                    accounted.add((receiver, got["id"]))
                # "missing": the gate let it go but the peer does not hold it (the peer
                # refused it, see `entente peer list`).
                state = "arrived" if got else ("missing" if gate["send"] else "withheld")
                cell = {"state": state, "gate": gate, "observed": got}
                o["cells"][receiver] = cell
                want = o["expect"][receiver]
                want_state, want_changes = (want, []) if isinstance(want, str) else want
                where = "%s at %s" % (o["name"], receiver)
                if cell["state"] != want_state:
                    problems.append("%s: the rules say %s, the node shows %s" %
                                    (where, want_state, cell["state"]))
                if gate["send"] != bool(got):
                    problems.append("%s: the gate at %s says %s, but it %s" % (
                        where, o["by"], "send" if gate["send"] else "withhold",
                        "arrived" if got else "did not arrive"))
                if got and sorted(gate["changes"]) != sorted(want_changes):
                    problems.append("%s: the gate changed %s, the rules say %s" %
                                    (where, gate["changes"] or "nothing", want_changes or "nothing"))
                if got:
                    problems += self.check_changes(where, o["stix"], got, gate["changes"])
            # grid-op, at the ee-isac node: may it read what that node holds?
            at_isac = o["cells"][MEMBER_NODE]
            if at_isac["state"] == "withheld":
                o["member_reads"] = None
            else:
                ids = {o["stix"]["id"]}
                if at_isac.get("observed"):
                    ids.add(at_isac["observed"]["id"])
                o["member_reads"] = bool(ids & set(member_view))
            if o["member_reads"] != o["member"]:
                problems.append("%s: %s reads it at %s: %s, the rules say %s" % (
                    o["name"], MEMBER, MEMBER_NODE, o["member_reads"], o["member"]))
        for (receiver, sender), objs in held.items():
            for i in objs:
                if (receiver, i) not in accounted:
                    problems.append("%s holds %s in its collection from %s, which %s did "
                                    "not publish" % (receiver, i, sender, sender))
            text = json.dumps(objs)
            for secret in PLAINTEXT:
                if secret in text:
                    problems.append("%s holds the personal data %r in plain text" %
                                    (receiver, secret))
        return problems

    @staticmethod
    def check_changes(where, sent, got, changes):
        """The changes the gate announced are visible in what arrived."""
        problems = []
        for change in changes:
            prop, _, what = change.partition(": ")
            if what == "hashed":
                v = got.get(prop, "")
                if not (isinstance(v, str) and v.startswith("hmac-sha256:")):
                    problems.append("%s: %s should be a keyed hash, is %r" % (where, prop, v))
            elif what == "redacted" and prop in got:
                problems.append("%s: %s should be redacted, is %r" % (where, prop, got[prop]))
            elif what == "keyed" and got["id"] == sent["id"]:
                problems.append("%s: the id should be keyed, is the original" % where)
        return problems


# --- the screen --------------------------------------------------------------------------
def render(demo, settled_s, problems):
    lines = []
    w = lines.append
    w("entente three-nation demo: three real `entente serve` nodes on 127.0.0.1; each pushes")
    w("what it publishes to the other two through its egress gate (TLP, audience, sovereignty).")
    for name, (country, what, communities) in NODES.items():
        w("  %-8s %s  %-19s communities %-21s %s" % (
            name, country, what, ", ".join(communities),
            demo.nodes[name].url()[len("http://"):-len("/api/")]))
    w("  %-8s NL  an energy company reading at the ee-isac node: eu-energy, client of ee-isac"
      % MEMBER)
    w("Sovereignty rules of cert-fr (personal data: an e-mail address, a user account):")
    for (sender, receiver), rules in RULES.items():
        w("  to %s (%s): %s" % (receiver, NODES[receiver][0], ", ".join(rules)))
    w("%d objects published, sync settled after %.1f s. What each node's analysts read over TAXII:"
      % (len(OBJECTS), settled_s))
    cols = ORDER + [MEMBER]
    w("")
    w(("%-15s %-27s" % ("object", "TLP and audience") + "".join("%-14s" % c for c in cols))
      .rstrip())
    notes = []

    def note(text):
        if text not in notes:
            notes.append(text)
        return "[%d]" % (notes.index(text) + 1)

    for o in OBJECTS:
        row = "%-15s %-27s" % (o["name"], audience_text(o))
        for receiver in ORDER:
            c = o["cells"][receiver]
            if c["state"] == "published":
                text = "published"
            elif c["state"] == "arrived":
                text = "arrived"
                if c["gate"]["changes"]:
                    text += " " + note(change_note(c))
            elif c["state"] == "missing":
                text = "MISSING " + note("%s's gate said send, the peer does not hold it (see "
                                         "`entente peer list` at %s)" % (o["by"], o["by"]))
            else:
                text = "withheld " + note(c["gate"]["reason"])
            row += "%-14s" % text
        row += {True: "reads", False: "cannot read", None: "-"}[o["member_reads"]]
        lines.append(row.rstrip())
    w("")
    w("Why (the sending node's gate, as `entente peer explain` gives it) and what changed:")
    for i, text in enumerate(notes, 1):
        w(" [%d] %s" % (i, text))
    if problems:
        w("NOT AS THE RULES SAY:")
        for p in problems:
            w("  " + p)
    else:
        w("OK: every node holds exactly what the rules allow; RED stayed home, AMBER reached")
        w("only its recipients, personal data left only hashed or redacted.")
    return lines


def change_note(cell):
    changes = cell["gate"]["changes"]
    got = cell["observed"]
    seen = []
    for change in changes:
        prop, _, what = change.partition(": ")
        if what == "hashed":
            seen.append("%s %s..." % (prop, str(got.get(prop, "?"))[:20]))
    text = ", ".join(changes)
    if seen:
        text += " (reads " + ", ".join(seen) + ")"
    return text


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default=os.environ.get("ENTENTE_BIN", "entente"),
                    help="the entente binary (default: $ENTENTE_BIN, else entente on PATH)")
    ap.add_argument("--keep", action="store_true",
                    help="keep the nodes' temporary folder (servers are stopped anyway)")
    ap.add_argument("--json", metavar="FILE",
                    help="also write the observed outcome as JSON to FILE ('-': stdout)")
    ap.add_argument("--timeout", type=float, default=30, help="seconds to wait for sync")
    args = ap.parse_args()
    fedharness.BIN = os.path.abspath(args.bin) if os.sep in args.bin else args.bin

    # Ctrl-C raises KeyboardInterrupt; a plain kill becomes an orderly exit too.
    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    tmp = tempfile.mkdtemp(prefix="entente-demo-")
    demo = Demo(tmp)
    status = 1
    try:
        demo.build()
        demo.publish()
        settled = demo.settle(args.timeout)
        problems = demo.observe()
        for line in render(demo, settled, problems):
            print(line)
        if args.json:
            write_json(args.json, demo, settled, problems)
        status = 1 if problems else 0
    except (DemoError, AssertionError) as e:  # fedharness reports failed commands so
        print("demo failed: %s" % e, file=sys.stderr)
        fedharness.print_node_logs(demo.nodes, sys.stderr)
    except KeyboardInterrupt:
        print("interrupted; stopping the nodes", file=sys.stderr)
        status = 130
    finally:
        fedharness.stop_nodes(demo.nodes, tmp, args.keep, sys.stderr)
    return status


def write_json(path, demo, settled, problems):
    doc = {"ok": not problems, "problems": problems, "settled_seconds": round(settled, 3),
           "nodes": {n: {"jurisdiction": j, "communities": c, "url": demo.nodes[n].url()}
                     for n, (j, _, c) in NODES.items()},
           "objects": {}}
    for o in OBJECTS:
        cells = {}
        for receiver, c in o["cells"].items():
            cell = {"state": c["state"]}
            if "gate" in c:
                cell.update(reason=c["gate"]["reason"], changes=c["gate"]["changes"],
                            observed=c["observed"])
            cells[receiver] = cell
        doc["objects"][o["name"]] = {"by": o["by"], "tlp": o["tlp"], "id": o["stix"]["id"],
                                     "type": o["stix"]["type"], "cells": cells,
                                     MEMBER + "_reads": o["member_reads"]}
    text = json.dumps(doc, indent=1, sort_keys=True)
    if path == "-":
        print(text)
    else:
        with open(path, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    sys.exit(main())
