#!/usr/bin/env python3
"""Incident coordination across three nodes (issue 15): a company in France reports an
incident to its national CSIRT over HTTP; the CSIRT opens a case (RSIT-classified, NIS2
clocks running), invites the German and the Dutch CERT, which live on their own nodes, and
sends each a hotline request; cert-de acknowledges in time, cert-nl does not and the
request escalates to its 24/7 desk; all three see each other's state on the case, and every
organisation reads exactly what TLP allows of the case's contents.

Three real `entente serve` nodes on 127.0.0.1, driven through the CLI and HTTP with the
node driver of the multi-node tests (tests/federation/fedharness.py), Python 3 standard
library only. Federation rounds are run with `entente peer sync` and hotline ticks with
`entente hotline tick` (the nodes serve with --no-federation --hotline-interval 0), so the
story happens in the order it is told. Every step is checked against what the nodes
answer; any difference is printed and makes the exit status 1.

What TLP lets each organisation read (decided here, checked below): the case and its
participants' states are TLP:AMBER with the three CERTs as recipients, so grid-op, declared
on cert-fr as cert-fr's client, follows the case too (AMBER: recipients and their clients),
and polls its ticket, which says `case` without the case id or triage. Stricter parts:
the case's description (cert-fr's working hypothesis) by a granular AMBER+STRICT marking,
the malware sample's hash and its attachment to the case (AMBER+STRICT, cert-fr and
cert-de only), and the hotline requests (AMBER+STRICT, sender and addressee): none reaches
grid-op, the sample never leaves for cert-nl's node.

  python3 demo/incident_coordination.py --bin build/entente [--keep] [--json FILE]
"""
import argparse
import http.client
import json
import os
import signal
import sys
import tempfile
import textwrap
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ left in the source tree
sys.path.insert(0, os.path.join(HERE, "..", "tests", "federation"))
import fedharness  # noqa: E402
from fedharness import AUDIENCE_EXT, TLP, Node  # noqa: E402

# node -> (country, the CERT living on it, its name)
NODES = {
    "cert-fr": ("FR", "CERT-FR"),
    "cert-de": ("DE", "CERT-Bund"),
    "cert-nl": ("NL", "NCSC-NL"),
}
ORDER = list(NODES)
COMPANY = "grid-op"  # an electricity grid operator, constituent (client) of cert-fr
INTAKE = "/api/x-entente/intake/"
C2_DOMAIN = "update-grid-sync.example"
SAMPLE_SHA256 = "5f2b7c0a9e8d1b3c4a6f7e9d0c1b2a3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b"
# The company became aware of the incident this morning: 16 hours ago, to the minute. The
# NIS2 clocks run from there, so the incident notification (72 h) is always "due".
_AWARE = int(time.time()) // 60 * 60 - 16 * 3600
AWARE_AT = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(_AWARE))
EARLY_WARNING_DUE = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(_AWARE + 24 * 3600))
EARLY_WARNING_AT = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(_AWARE + 150 * 60))
HYPOTHESIS = ("Working hypothesis (not confirmed): the controllers' vendor update channel "
              "is compromised; do not contact the vendor yet.")
NL_WITHIN_S = 4  # cert-nl's office-hours desk gets seconds, so the demo can show escalation


class DemoError(Exception):
    pass


class Demo:
    def __init__(self, tmp, timeout):
        self.tmp = tmp
        self.timeout = timeout
        self.nodes = {}     # name -> Node
        self.col = {}       # node -> its coordination collection
        self.ident = {}     # org -> identity id
        self.tokens = {}    # (node, org) -> token
        self.steps = []     # {"step", "line", "ok", "problems"}
        self.problems = []
        self.out = {}       # the observed outcome (JSON)

    # --- helpers -----------------------------------------------------------------------
    def say(self, line):
        print(textwrap.fill(line, width=100, subsequent_indent="     ",
                            break_on_hyphens=False), flush=True)

    def check(self, what, got, want):
        if got != want:
            self.problems.append("%s: expected %r, got %r" % (what, want, got))
            self.say("    NOT AS EXPECTED: %s: expected %r, got %r" % (what, want, got))
            return False
        return True

    def cli(self, node, *args):
        return self.nodes[node].ok(*args)

    def coll(self, node, *args):
        """`entente ARGS --collection <node's coordination collection>`."""
        return self.nodes[node].ok(*(list(args) + ["--collection", self.col[node]]))

    def sync(self, src, dst):
        rc, counts, err = self.nodes[src].sync(dst)
        if rc != 0:
            raise DemoError("peer sync %s -> %s failed: %s" % (src, dst, err))
        return counts

    def sync_all(self, origins=ORDER):
        for src in origins:
            for dst in ORDER:
                if dst != src:
                    self.sync(src, dst)

    def http(self, node, method, path, token, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.nodes[node].port, timeout=30)
        headers = {"Accept": "application/json", "Authorization": "Bearer " + token}
        data = None
        if body is not None:
            data = json.dumps(body)
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=headers)
        res = conn.getresponse()
        raw = res.read()
        conn.close()
        return res.status, (json.loads(raw) if raw else None)

    def taxii(self, node, org):
        """Every object `org` reads over TAXII in its node's coordination collection."""
        n = self.nodes[node]
        token = self.tokens[(node, org)]
        path = "/api/collections/%s/objects/" % self.col[node]
        seen, nxt = {}, None
        while True:
            status, body = n.request("GET", path + ("?next=" + nxt if nxt else ""), token)
            if status != 200:
                raise DemoError("GET %s at %s as %s: HTTP %s %s" % (path, node, org, status,
                                                                     body))
            for obj in (body or {}).get("objects", []):
                seen[obj["id"]] = obj
            if not (body or {}).get("more"):
                return seen
            nxt = body["next"]

    def show(self, node, org):
        r = self.nodes[node].cli("case", "show", self.case, "--collection", self.col[node],
                                 "--as", org, "--json")
        if r.returncode != 0:
            raise DemoError("case show at %s as %s: %s" % (node, org, r.stderr.strip()))
        return json.loads(r.stdout)

    def hotline_status(self, node, message):
        return json.loads(self.coll(node, "hotline", "status", message, "--json"))

    # --- the story ---------------------------------------------------------------------
    def build(self):
        for name, (country, title) in NODES.items():
            n = self.nodes[name] = Node(self.tmp, name, country)
            extra = ["--admin"] if name == "cert-fr" else []  # cert-fr handles the intake
            self.ident[name] = n.ok("org", "add", name, "--name", title, "--country",
                                    country, *extra).strip()
            for other, (other_country, _) in NODES.items():
                if other != name:  # the organisation a peer pushes into this node as
                    n.ok("org", "add", "node-" + other, "--name", other + " node",
                         "--country", other_country)
        fr = self.nodes["cert-fr"]
        self.ident[COMPANY] = fr.ok("org", "add", COMPANY, "--name", "Grid operator SA",
                                    "--country", "FR", "--sector", "energy", "--client-of",
                                    "cert-fr").strip()
        for name in ORDER:
            n = self.nodes[name]
            inbound = ["node-" + o for o in ORDER if o != name]
            readers = [name] + inbound + ([COMPANY] if name == "cert-fr" else [])
            self.col[name] = n.collection("incident coordination", readers, [name] + inbound)
            for org in readers:
                self.tokens[(name, org)] = n.token(org)
        for n in self.nodes.values():
            n.start(extra=["--no-federation", "--hotline-interval", "0"])
        # Every node pushes its coordination collection to the other two, and says who
        # lives there (a peer speaks only for the organisations declared on it).
        for name in ORDER:
            for other in ORDER:
                if other == name:
                    continue
                r = self.nodes[name].peer(
                    "add", other, "--url", self.nodes[other].url(),
                    "--token", self.tokens[(other, "node-" + name)],
                    "--jurisdiction", NODES[other][0],
                    "--push", "%s:%s" % (self.col[name], self.col[other]),
                    "--recipient", self.ident[other], "--local-org", "node-" + other)
                if r.returncode != 0:
                    raise DemoError("peer add %s at %s: %s" % (other, name, r.stderr))
        self.say("Three nodes on 127.0.0.1, each pushing its coordination collection to the "
                 "other two:")
        for name, (country, title) in NODES.items():
            self.say("  %-8s %s  %-9s %s" % (name, country, title,
                                              self.nodes[name].url()[len("http://"):-5]))
        self.say("  %-8s FR  a grid operator, constituent (declared client) of cert-fr"
                 % COMPANY)

    def step_contacts(self):
        """The CERTs publish their points of contact; the directory federates."""
        self.contacts = {}
        for name, desk, mode in (
                ("cert-de", "duty desk", ["--office-hours", "Mo-Fr 08-18", "--rank", "1"]),
                ("cert-de", "24/7 desk", ["--24x7", "--rank", "2"]),
                ("cert-nl", "duty desk", ["--office-hours", "Mo-Fr 08-17", "--rank", "1"]),
                ("cert-nl", "24/7 desk", ["--24x7", "--rank", "2"])):
            cid = self.cli(name, "contact", "publish", "--as", name, "--collection",
                           self.col[name], "--name", desk, "--service", "incident-handling",
                           "--language", "en", "--email",
                           "%s@%s.example" % (desk.split()[0].replace("/", ""), name),
                           *mode).strip()
            self.contacts[(name, desk)] = cid
        self.sync_all(["cert-de", "cert-nl"])
        found = {}
        for cc in ("DE", "NL"):
            lines = self.coll("cert-fr", "contact", "list", "--country", cc, "--service",
                              "incident-handling", "--json").splitlines()
            found[cc] = [json.loads(l) for l in lines]
        ok = self.check("cert-fr finds cert-de's desks", [c["id"] for c in found["DE"]],
                        [self.contacts[("cert-de", "duty desk")],
                         self.contacts[("cert-de", "24/7 desk")]])
        ok &= self.check("cert-fr finds cert-nl's desks", [c["id"] for c in found["NL"]],
                         [self.contacts[("cert-nl", "duty desk")],
                          self.contacts[("cert-nl", "24/7 desk")]])
        self.ident_found = {cc: found[cc][0]["organization_ref"] if found[cc] else None
                            for cc in found}
        ok &= self.check("the directory names cert-de", self.ident_found["DE"],
                         self.ident["cert-de"])
        ok &= self.check("the directory names cert-nl", self.ident_found["NL"],
                         self.ident["cert-nl"])
        self.record("contacts", ok, "cert-de and cert-nl publish a duty desk and a 24/7 desk; "
                    "cert-fr finds them in its own directory (contact list --country DE|NL)")

    def step_intake(self):
        report = {"title": "Wiper on substation controllers",
                  "description": "Since this morning two substation controllers reboot in a loop; "
                                 "an unknown binary talks to %s." % C2_DOMAIN,
                  "rsit_class": "malware", "severity": "high", "nis2": True,
                  "aware_at": AWARE_AT, "report_id": "gridop-2026-117",
                  "observables": [{"type": "domain-name", "value": C2_DOMAIN},
                                  {"type": "sha256", "value": SAMPLE_SHA256}],
                  "victim": {"organisation": "Grid operator SA", "sector": "energy",
                             "country": "FR"}}
        status, ack = self.http("cert-fr", "POST", INTAKE, self.tokens[("cert-fr", COMPANY)],
                                report)
        ok = self.check("intake POST status", status, 202)
        ack = ack or {}
        self.ticket = ack.get("ticket")
        ok &= self.check("status URL", ack.get("status_url"), INTAKE + "%s/" % self.ticket)
        ok &= self.check("RSIT class found", ack.get("rsit_class"), "malicious-code")
        ok &= self.check("NIS2 early warning due", ack.get("nis2_early_warning_due"),
                         EARLY_WARNING_DUE)
        status, polled = self.http("cert-fr", "GET", ack.get("status_url", INTAKE),
                                   self.tokens[("cert-fr", COMPANY)])
        ok &= self.check("status poll", (status, (polled or {}).get("status")), (200, "open"))
        self.out["intake"] = {"ack": ack, "poll": polled}
        self.record("intake", ok, "%s reports over HTTP (POST %s): 202, ticket %s..., "
                    "RSIT %s (given as \"malware\"), NIS2 early warning due %s; polls: %s" % (
                        COMPANY, INTAKE, (self.ticket or "?")[:8], ack.get("rsit_class"),
                        ack.get("nis2_early_warning_due"), (polled or {}).get("status")))

    def step_open_case(self):
        fr = "cert-fr"
        ticket = json.loads(self.cli(fr, "intake", "show", self.ticket, "--as", fr, "--json"))
        report = ticket.get("report", {})
        self.case = self.coll(
            fr, "case", "open", "--as", fr, "--name", report.get("title", "?"),
            "--description", report.get("description", ""),
            "--rsit-class", ticket.get("rsit_class", "?"), "--rsit-type", "infected-system",
            "--criticality", str(ticket.get("criticality", 75)),
            "--external-impact", "public-safety", "--nis2-aware", report.get("aware_at", "?"),
            "--status", "open").strip()
        queued = json.loads(self.cli(fr, "intake", "queue", "--as", fr, "--json"))
        self.cli(fr, "intake", "link-case", self.ticket, self.case, "--as", fr)
        queue_after = json.loads(self.cli(fr, "intake", "queue", "--as", fr, "--json"))
        self.coll(fr, "case", "report", self.case, "early-warning", "--as", fr, "--at",
                  EARLY_WARNING_AT, "--text", "early warning to the competent authority")
        # What the analysis found, attached to the case: the C2 domain, for every
        # participant (AMBER, attached with `case attach`, marked as the case).
        self.c2 = self.indicator("C2 of the wiper", "[domain-name:value = '%s']" % C2_DOMAIN,
                                 "amber", ["cert-fr", "cert-de", "cert-nl"])
        self.coll(fr, "case", "attach", self.case, self.c2["id"], "--as", fr)
        _, polled = self.http(fr, "GET", INTAKE + "%s/" % self.ticket,
                              self.tokens[(fr, COMPANY)])
        s = self.show(fr, fr)
        ok = self.check("case RSIT", (s.get("rsit_class"), s.get("rsit_type")),
                        ("malicious-code", "infected-system"))
        clocks = s.get("nis2", {})
        ok &= self.check("NIS2 clocks", {k: v.get("status") for k, v in clocks.items()},
                         {"early-warning": "met", "incident-notification": "due",
                          "final-report": "waiting"})
        ok &= self.check("grid-op's ticket after link-case", (polled or {}).get("status"),
                         "case")
        ok &= self.check("cert-fr's intake queue before and after link-case",
                         ([q["ticket"] for q in queued["queue"]],
                          [q["ticket"] for q in queue_after["queue"]]), ([self.ticket], []))
        # The reporter learns that a case was opened, not the handlers' triage or case id.
        ok &= self.check("handler fields in grid-op's poll",
                         sorted(k for k in ("case_ref", "reporter_org", "routed_to",
                                            "criticality") if k in (polled or {})), [])
        self.out["case_opened"] = s
        self.record("case", ok, "cert-fr opens case %s... from the ticket: RSIT %s/%s, "
                    "TLP:AMBER, NIS2 aware %s (early warning met, notification %s, final "
                    "report %s); links the ticket, which leaves the intake queue (%s polls: %s); attaches the C2 domain "
                    "(AMBER)" % (
                        self.case[len("incident--"):][:8], s.get("rsit_class"),
                        s.get("rsit_type"), AWARE_AT,
                        clocks.get("incident-notification", {}).get("status"),
                        clocks.get("final-report", {}).get("status"), COMPANY,
                        (polled or {}).get("status")))

    def step_strict(self):
        """A part of the case for one CERT only: the sample's hash goes to cert-de, whose
        sensors watch the controller vendor's update servers. The indicator and the
        relationship attaching it to the case are both AMBER+STRICT with cert-fr and cert-de
        as recipients (written after the invitation: `case invite` gives a new version,
        shared with the new participants, of every attachment written before)."""
        fr = "cert-fr"
        self.sample = self.indicator("wiper sample",
                                     "[file:hashes.'SHA-256' = '%s']" % SAMPLE_SHA256,
                                     "amber+strict", ["cert-fr", "cert-de"])
        now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
        self.sample_rel = {
            "type": "relationship", "spec_version": "2.1",
            "id": "relationship--" + str(uuid.uuid4()), "created": now, "modified": now,
            "created_by_ref": self.ident[fr], "relationship_type": "detected",
            "source_ref": self.sample["id"], "target_ref": self.case,
            "object_marking_refs": [TLP["amber+strict"]],
            "extensions": {AUDIENCE_EXT: {"extension_type": "property-extension",
                                          "recipients": [self.ident[fr],
                                                         self.ident["cert-de"]]}}}
        self.nodes[fr].ingest(self.col[fr], fr, [self.sample_rel], self.tmp)
        # And a part of the case itself: cert-fr's working hypothesis replaces the
        # description in a new version of the incident, that property marked AMBER+STRICT
        # (a granular marking, docs/granular-markings.md): the participants read it, their
        # clients (grid-op) read the case without it.
        before = self.nodes[fr].stored(self.col[fr])[self.case]
        incident = json.loads(json.dumps(before))
        incident["description"] = HYPOTHESIS
        incident["granular_markings"] = [{"marking_ref": TLP["amber+strict"],
                                          "selectors": ["description"]}]
        now_ms = int(time.time() * 1000)
        incident["modified"] = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(
            now_ms // 1000)) + ".%03dZ" % (now_ms % 1000)
        if incident["modified"] <= before["modified"]:
            raise DemoError("the clock did not move past the case's last version")
        self.nodes[fr].ingest(self.col[fr], fr, [incident], self.tmp)
        self.sync_all([fr])
        want = {("cert-fr", fr): [self.c2["id"], self.sample["id"]],
                ("cert-de", "cert-de"): [self.c2["id"], self.sample["id"]],
                ("cert-nl", "cert-nl"): [self.c2["id"]],
                ("cert-fr", COMPANY): [self.c2["id"]]}
        ok = True
        for (node, org), ids in want.items():
            ok &= self.check("attachments %s sees on %s" % (org, node),
                             sorted(self.show(node, org).get("attached", [])), sorted(ids))
        for node, org, sees in (("cert-fr", fr, True), ("cert-de", "cert-de", True),
                                ("cert-nl", "cert-nl", True), ("cert-fr", COMPANY, False)):
            got = self.taxii(node, org).get(self.case, {})
            self.out.setdefault("strict_description_read", {})[org] = \
                got.get("description") == HYPOTHESIS
            ok &= self.check("the case's strict description read by %s" % org,
                             (got.get("modified"), got.get("description")),
                             (incident["modified"], HYPOTHESIS if sees else None))
        self.record("strict", ok, "cert-fr attaches the sample's hash for cert-de only "
                    "(indicator and attachment AMBER+STRICT, recipients cert-fr and cert-de): "
                    "`case show` lists it on cert-fr and cert-de; cert-nl and %s see only the "
                    "C2 attachment. A new version of the case marks its description (cert-fr's "
                    "working hypothesis) AMBER+STRICT: the three CERTs read it over TAXII, %s "
                    "reads the case without it" % (COMPANY, COMPANY))

    def indicator(self, name, pattern, tlp, recipients):
        now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
        obj = {"type": "indicator", "spec_version": "2.1",
               "id": "indicator--" + str(uuid.uuid4()), "created": now, "modified": now,
               "created_by_ref": self.ident["cert-fr"], "name": name,
               "pattern_type": "stix", "pattern": pattern, "valid_from": now,
               "object_marking_refs": [TLP[tlp]],
               "extensions": {AUDIENCE_EXT: {"extension_type": "property-extension",
                                             "recipients": [self.ident[r]
                                                            for r in recipients]}}}
        self.nodes["cert-fr"].ingest(self.col["cert-fr"], "cert-fr", [obj], self.tmp)
        return obj

    def step_invite(self):
        fr = "cert-fr"
        out = self.coll(fr, "case", "invite", self.case, "--as", fr, self.ident_found["DE"],
                        self.ident_found["NL"]).strip()
        self.sync_all([fr])
        ok = True
        for node in ("cert-de", "cert-nl"):
            s = self.show(node, node)
            ok &= self.check("%s sees the case" % node, s.get("id"), self.case)
            ok &= self.check("participants on %s" % node,
                             {p["identity"]: p["state"] for p in s.get("participants", [])},
                             {self.ident[n]: "invited" for n in ORDER})
        self.check("case invite says", out, "invited 2 organisation(s) to %s" % self.case)
        self.record("invite", ok, "cert-fr invites cert-de and cert-nl (`case invite` with "
                    "the identity ids the directory gave); after one sync round both see the "
                    "case on their own node, each participant 'invited'")

    def step_hotline(self):
        fr = "cert-fr"
        self.msg_de = self.coll(fr, "hotline", "send", "--as", fr, "--to",
                                self.contacts[("cert-de", "duty desk")], "--subject",
                                "Case %s: please confirm you take part" % self.case[10:18],
                                "--within", "15m", "--tlp", "amber+strict",
                                "--about", self.case).strip()
        self.msg_nl = self.coll(fr, "hotline", "send", "--as", fr, "--to",
                                self.contacts[("cert-nl", "duty desk")], "--subject",
                                "Case %s: please confirm you take part" % self.case[10:18],
                                "--within", "%ds" % NL_WITHIN_S, "--tlp", "amber+strict",
                                "--about", self.case).strip()
        self.sent_at = time.time()
        self.sync_all([fr])
        for node in ("cert-de", "cert-nl"):
            self.coll(node, "hotline", "tick")  # records the delivery, by the addressee
        self.coll("cert-de", "hotline", "ack", self.msg_de, "--as", "cert-de", "--note",
                  "on it")
        self.sync_all(["cert-de", "cert-nl"])
        de = self.hotline_status(fr, self.msg_de)
        ok = self.check("cert-de's request on cert-fr", (de["phase"], de["ack_in_time"]),
                        ("acknowledged", True))
        ok &= self.check("cert-de's request steps",
                         [(s["what"], s["by"]) for s in de["steps"]],
                         [("sent", self.ident[fr]), ("delivered", self.ident["cert-de"]),
                          ("acknowledged", self.ident["cert-de"])])
        self.record("hotline-de", ok, "cert-fr sends each CERT's duty desk a hotline request "
                    "(AMBER+STRICT): cert-de's desk acknowledges within its 15 min -> on "
                    "cert-fr: %s, in time" % de["phase"])
        # cert-nl's desk stays silent: wait (bounded) until its deadline has passed on
        # cert-fr, then one tick there hands the request to the next contact.
        limit = time.time() + self.timeout
        while True:
            nl = self.hotline_status(fr, self.msg_nl)
            if nl["phase"] != "waiting" or time.time() > limit:
                break
            time.sleep(0.25)
        before = nl["phase"]
        tick = self.coll(fr, "hotline", "tick").strip()
        nl = self.hotline_status(fr, self.msg_nl)
        esc = [s for s in nl["steps"] if s["what"] == "escalated"]
        ok = self.check("cert-nl's request after its deadline", before, "overdue")
        ok &= self.check("escalated to", [s["contact"] for s in esc],
                         [self.contacts[("cert-nl", "24/7 desk")]])
        self.sync_all([fr])
        nl_side = self.hotline_status("cert-nl", self.msg_nl)
        ok &= self.check("cert-nl sees the escalation",
                         [s["what"] for s in nl_side["steps"]],
                         ["sent", "delivered", "escalated"])
        ok &= self.check("with cert-nl's 24/7 desk now", nl_side["contact"],
                         self.contacts[("cert-nl", "24/7 desk")])
        self.record("hotline-nl", ok, "cert-nl's duty desk does not answer within %d s: on "
                    "cert-fr the request is %s, a tick (%s) escalates it to cert-nl's 24/7 "
                    "desk; cert-nl's node shows %s" % (
                        NL_WITHIN_S, before, tick,
                        " -> ".join(s["what"] for s in nl_side["steps"])))
        # The 24/7 desk answers, late.
        self.coll("cert-nl", "hotline", "ack", self.msg_nl, "--as", "cert-nl", "--contact",
                  self.contacts[("cert-nl", "24/7 desk")], "--note", "24/7 desk here")
        self.sync_all(["cert-nl"])
        nl = self.hotline_status(fr, self.msg_nl)
        nl_side = self.hotline_status("cert-nl", self.msg_nl)
        ok = self.check("cert-nl's request on cert-fr", (nl["phase"], nl["ack_in_time"]),
                        ("acknowledged", False))
        ok &= self.check("acknowledged by", [(s["by"], s["contact"]) for s in nl["steps"]
                                             if s["what"] == "acknowledged"],
                         [(self.ident["cert-nl"], self.contacts[("cert-nl", "24/7 desk")])])
        ok &= self.check("both sides agree", [s["what"] for s in nl_side["steps"]],
                         [s["what"] for s in nl["steps"]])
        self.out["hotline"] = {"cert-de": {"cert-fr": de, "cert-de": self.hotline_status(
            "cert-de", self.msg_de)}, "cert-nl": {"cert-fr": nl, "cert-nl": nl_side}}
        self.record("hotline-ack", ok, "cert-nl's 24/7 desk acknowledges: %s, not in time; "
                    "hotline status on both sides: %s" % (
                        nl["phase"], " -> ".join(s["what"] for s in nl["steps"])))

    def step_states(self):
        self.coll("cert-de", "case", "state", self.case, "acknowledged", "--as", "cert-de",
                  "--note", "sample received")
        self.coll("cert-de", "case", "state", self.case, "investigating", "--as", "cert-de",
                  "--note", "checking our energy sector for the C2 domain")
        self.coll("cert-nl", "case", "state", self.case, "acknowledged", "--as", "cert-nl")
        self.coll("cert-fr", "case", "state", self.case, "investigating", "--as", "cert-fr",
                  "--note", "on site at grid-op")
        self.sync_all()
        want = {self.ident["cert-fr"]: "investigating", self.ident["cert-de"]: "investigating",
                self.ident["cert-nl"]: "acknowledged"}
        ok = True
        self.out["case_show"] = {}
        for node, org in (("cert-fr", "cert-fr"), ("cert-de", "cert-de"),
                          ("cert-nl", "cert-nl"), ("cert-fr", COMPANY)):
            s = self.show(node, org)
            got = {p["identity"]: p["state"] for p in s.get("participants", [])}
            self.out["case_show"]["%s@%s" % (org, node)] = s
            ok &= self.check("states as %s on %s" % (org, node), got, want)
        self.record("states", ok, "cert-de: acknowledged then investigating; cert-nl: "
                    "acknowledged; cert-fr: investigating; one sync round. `case show` on each "
                    "node (and as %s, cert-fr's client: the case is AMBER) lists all three:"
                    % COMPANY)
        self.say("       %-18s %-15s %-15s %s" % ("case show as", "cert-fr", "cert-de",
                                                  "cert-nl"))
        for who, s in self.out["case_show"].items():
            got = {p["identity"]: p["state"] for p in s.get("participants", [])}
            self.say("       %-18s %-15s %-15s %s" % (
                "%s on %s" % tuple(who.split("@")) if who.split("@")[0] != who.split("@")[1]
                else who.split("@")[0], *(got.get(self.ident[n], "-") for n in ORDER)))

    def step_reads(self):
        """What each organisation reads over TAXII on its own node."""
        labels = {self.case: "case", self.c2["id"]: "C2 indicator (AMBER)",
                  self.sample["id"]: "sample indicator (AMBER+STRICT, cert-de)",
                  self.msg_de: "hotline request to cert-de",
                  self.msg_nl: "hotline request to cert-nl"}
        want = {
            "cert-fr": {"case", "C2 indicator (AMBER)",
                        "sample indicator (AMBER+STRICT, cert-de)",
                        "hotline request to cert-de", "hotline request to cert-nl"},
            "cert-de": {"case", "C2 indicator (AMBER)",
                        "sample indicator (AMBER+STRICT, cert-de)",
                        "hotline request to cert-de"},
            "cert-nl": {"case", "C2 indicator (AMBER)", "hotline request to cert-nl"},
            COMPANY: {"case", "C2 indicator (AMBER)"},
        }
        ok = True
        self.out["taxii"] = {}
        state_notes = {}
        for node, org in (("cert-fr", "cert-fr"), ("cert-de", "cert-de"),
                          ("cert-nl", "cert-nl"), ("cert-fr", COMPANY)):
            seen = self.taxii(node, org)
            got = {labels[i] for i in seen if i in labels}
            states = sorted({o["created_by_ref"] for o in seen.values()
                             if o["type"] == "note" and "state" in json.dumps(
                                 o.get("extensions", {})) and "case_ref" in json.dumps(
                                 o.get("extensions", {}))})
            state_notes[org] = states
            self.out["taxii"][org] = {"node": node, "reads": sorted(got),
                                      "objects": len(seen), "state_notes_by": states}
            ok &= self.check("%s reads over TAXII" % org, got, want[org])
            ok &= self.check("%s reads the three states" % org, states,
                             sorted(self.ident[n] for n in ORDER))
        # Nothing of the strict sample anywhere it may not be.
        for node, org in (("cert-nl", "cert-nl"), ("cert-fr", COMPANY)):
            text = json.dumps(self.taxii(node, org))
            ok &= self.check("the sample (hash, ids) in what %s reads" % org,
                             [x for x in (SAMPLE_SHA256, self.sample["id"],
                                          self.sample_rel["id"]) if x in text], [])
        company = json.dumps(self.taxii("cert-fr", COMPANY)) + json.dumps(
            self.show("cert-fr", COMPANY))
        ok &= self.check("cert-fr's strict hypothesis in what %s reads" % COMPANY,
                         HYPOTHESIS in company, False)
        nl_store = json.dumps(self.nodes["cert-nl"].stored(self.col["cert-nl"]))
        ok &= self.check("the sample (hash, ids) stored on cert-nl's node",
                         [x for x in (SAMPLE_SHA256, self.sample["id"], self.sample_rel["id"])
                          if x in nl_store], [])
        self.record("reads", ok, "over TAXII each reads on its own node: cert-fr all 5 "
                    "(case, C2, sample, both requests), cert-de 4 (the strict sample too, not "
                    "cert-nl's request), cert-nl 3 (not the sample: never sent to its node), "
                    "%s 2 (the AMBER case and C2 as cert-fr's declared client; nothing "
                    "AMBER+STRICT: no sample, no hotline traffic); all four read the three "
                    "CERTs' states" % COMPANY)

    def record(self, step, ok, line):
        self.steps.append({"step": step, "ok": bool(ok), "line": line})
        self.say("%s %s: %s" % ("ok  " if ok else "FAIL", step, line))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default=os.environ.get("ENTENTE_BIN", "entente"),
                    help="the entente binary (default: $ENTENTE_BIN, else entente on PATH)")
    ap.add_argument("--keep", action="store_true",
                    help="keep the nodes' temporary folder (servers are stopped anyway)")
    ap.add_argument("--json", metavar="FILE",
                    help="also write the observed outcome as JSON to FILE ('-': stdout)")
    ap.add_argument("--timeout", type=float, default=30,
                    help="seconds to wait, at most, for the hotline deadline to pass")
    args = ap.parse_args()
    fedharness.BIN = os.path.abspath(args.bin) if os.sep in args.bin else args.bin

    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    tmp = tempfile.mkdtemp(prefix="entente-incident-")
    demo = Demo(tmp, args.timeout)
    status = 1
    error = None
    try:
        demo.build()
        demo.step_contacts()
        demo.step_intake()
        demo.step_open_case()
        demo.step_invite()
        demo.step_strict()
        demo.step_hotline()
        demo.step_states()
        demo.step_reads()
        status = 1 if demo.problems else 0
    except (DemoError, AssertionError, KeyError, ValueError) as e:
        error = "%s: %s" % (type(e).__name__, e)
        print("demo failed: %s" % error, file=sys.stderr)
        fedharness.print_node_logs(demo.nodes, sys.stderr)
    except KeyboardInterrupt:
        print("interrupted; stopping the nodes", file=sys.stderr)
        status = 130
    finally:
        fedharness.stop_nodes(demo.nodes, tmp, args.keep, sys.stderr)
    if status == 0:
        print("OK: every step happened as issue 15 describes it.")
    elif error is None and status == 1:
        print("NOT AS EXPECTED:")
        for p in demo.problems:
            print("  " + p)
    if args.json:
        doc = {"ok": status == 0, "error": error, "problems": demo.problems,
               "steps": demo.steps, "case": getattr(demo, "case", None),
               "ticket": getattr(demo, "ticket", None),
               "identities": demo.ident, "outcome": demo.out}
        text = json.dumps(doc, indent=1, sort_keys=True)
        if args.json == "-":
            print(text)
        else:
            with open(args.json, "w") as f:
                f.write(text + "\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
