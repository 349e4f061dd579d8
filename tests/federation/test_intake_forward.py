"""Intake reports routed to an organisation on a peer node travel there by federation (issue
15: reports are "routed by documented rules ... to the responsible organisation or peer
node"), under the policy gate: AMBER to that organisation, never wider than the report's
marking, RED never leaves (docs/cases.md, "Forwarding").

Node "paris" hosts the intake (handlers: admin and cert-fr) and its reporter acme; node
"bonn" hosts cert-de (the target) and mallory (a bystander on the same node); node "oslo"
hosts cert-no. paris pushes its hotline collection to bonn and to oslo; bonn pushes its own
to paris (cert-de's directory entry, its acknowledgements). The nodes serve with
--hotline-interval 0 and the rounds are driven with `entente hotline tick` and
`entente peer sync`, so nothing happens between the steps.
"""
import json
import os
import uuid

from fedharness import AUDIENCE_EXT, TLP, FederationCase

HOTLINE_EXT = "extension-definition--7d2c9b4e-1a6f-4c3b-8e0d-5f9a2c6b3e02"


class IntakeForwardFederation(FederationCase):
    def setUp(self):
        super().setUp()
        p = self.node("paris", "FR")
        b = self.node("bonn", "DE")
        o = self.node("oslo", "NO")
        self.fr = p.ok("org", "add", "cert-fr", "--name", "CERT-FR", "--country", "FR",
                       "--admin").strip()
        p.ok("org", "add", "acme", "--name", "Acme", "--country", "FR", "--sector", "energy")
        p.org("from-bonn")
        self.de = b.ok("org", "add", "cert-de", "--name", "CERT-Bund", "--country", "DE").strip()
        self.mallory = b.ok("org", "add", "mallory", "--name", "m", "--country", "DE").strip()
        b.org("from-paris")
        self.no = o.ok("org", "add", "cert-no", "--name", "NorCERT", "--country", "NO").strip()
        o.org("from-paris")
        p.col = p.collection("hotline", ["cert-fr", "from-bonn"], ["cert-fr", "from-bonn"])
        b.col = b.collection("hotline", ["cert-de", "mallory", "from-paris"],
                             ["cert-de", "mallory", "from-paris"])
        o.col = o.collection("hotline", ["cert-no", "from-paris"], ["cert-no", "from-paris"])
        for n in (p, b, o):
            n.start(extra=["--no-federation", "--hotline-interval", "0"])
        self.link(p, b, "from-paris", "from-bonn", [self.de, self.mallory])
        self.link(b, p, "from-bonn", "from-paris", [self.fr])
        self.link(p, o, "from-paris", None, [self.no])
        self.p, self.b, self.o = p, b, o
        self.duty = b.ok("contact", "publish", "--as", "cert-de", "--collection", b.col,
                         "--name", "duty", "--24x7", "--email", "duty@bund.example").strip()
        # DDoS reports go to cert-de on bonn (bonn hosts two organisations: name one).
        p.ok("intake", "route", "add", "ddos", "--rsit-class", "ddos", "--to",
             "peer:bonn/" + self.de)
        p.ok("intake", "route", "forward", "--collection", p.col, "--as", "cert-fr",
             "--within", "2h")

    def link(self, src, dst, dst_inbound_org, src_local_org, living_there):
        args = ["add", dst.name, "--url", dst.url(), "--token", dst.token(dst_inbound_org),
                "--jurisdiction", "DE", "--push", "%s:%s" % (src.col, dst.col)]
        if src_local_org:
            args += ["--local-org", src_local_org]
        for r in living_there:
            args += ["--recipient", r]
        r = src.peer(*args)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def sync(self, node, peer):
        rc, counts, err = node.sync(peer)
        self.assertEqual(rc, 0, err)
        return counts

    def submit(self, **extra):
        body = {"description": "Our portal is flooded", "rsit_class": "ddos",
                "title": "Portal down", "report_id": str(uuid.uuid4())}
        body.update(extra)
        path = os.path.join(self.tmp, "report-%s.json" % uuid.uuid4())
        with open(path, "w") as f:
            json.dump(body, f)
        return json.loads(self.p.ok("intake", "submit", "--as", "acme", "--json",
                                    path))["ticket"]

    def show(self, ticket):
        return json.loads(self.p.ok("intake", "show", ticket, "--json"))

    def inbox(self, node, org):
        out = node.ok("hotline", "inbox", "--collection", node.col, "--as", org, "--json")
        return [json.loads(l) for l in out.splitlines() if l.strip()]

    def hotline_notes(self, node, as_org=None):
        args = ["export", "--collection", node.col, "--all-versions"]
        if as_org:
            args += ["--as", as_org]
        bundle = json.loads(node.ok(*args))
        return [x for x in bundle.get("objects", []) if x["type"] == "note" and
                HOTLINE_EXT in x.get("extensions", {})]

    def test_routed_to_a_peer_organisation_only_it_gets_it_and_red_stays(self):
        p, b, o = self.p, self.b, self.o
        self.sync(b, "paris")  # cert-de's directory entry reaches paris
        amber = self.submit()
        red = self.submit(tlp="red", title="Secret details")
        out = p.ok("hotline", "tick", "--collection", p.col)
        self.assertIn("intake forwarded 1, not forwarded 1", out)
        fwd = self.show(amber)["forward"]
        self.assertEqual((fwd["state"], fwd["to"]), ("forwarded", self.de))
        withheld = self.show(red)["forward"]
        self.assertEqual(withheld["state"], "withheld")
        self.assertIn("TLP:RED", withheld["reason"])

        # The gate lets the AMBER message go to bonn, where cert-de lives, and not to oslo.
        self.assertEqual(self.sync(p, "bonn").get("pushed"), 1)
        self.sync(p, "oslo")  # relays cert-de's CLEAR directory entry, nothing else
        self.assertEqual(self.hotline_notes(o), [])

        # On bonn: delivered to cert-de and in its inbox; mallory, on the same node, sees
        # nothing of it.
        self.assertIn("deliveries 1", b.ok("hotline", "tick", "--collection", b.col))
        inbox = self.inbox(b, "cert-de")
        self.assertEqual([m["id"] for m in inbox], [fwd["message"]])
        self.assertEqual(inbox[0]["contact"], self.duty)
        self.assertIn("Portal down", inbox[0]["subject"])
        [msg] = [x for x in self.hotline_notes(b) if x["id"] == fwd["message"]]
        self.assertEqual(msg["object_marking_refs"], [TLP["amber"]])
        self.assertEqual(sorted(msg["extensions"][AUDIENCE_EXT]["recipients"]),
                         sorted([self.fr, self.de]))
        self.assertNotIn("Secret details", json.dumps(self.hotline_notes(b)))
        self.assertEqual(self.inbox(b, "mallory"), [])
        self.assertEqual(self.hotline_notes(b, "mallory"), [])

        # cert-de acknowledges on bonn; paris sees the acknowledgement.
        b.ok("hotline", "ack", fwd["message"], "--as", "cert-de", "--collection", b.col)
        self.sync(b, "paris")
        st = json.loads(p.ok("hotline", "status", fwd["message"], "--collection", p.col,
                             "--json"))
        self.assertEqual(st["phase"], "acknowledged")
        self.assertEqual([s["what"] for s in st["steps"]], ["sent", "delivered", "acknowledged"])

        # Nothing more leaves paris: the RED report never does, the AMBER one only once.
        self.assertIn("intake forwarded 0, not forwarded 0, waiting 0",
                      p.ok("hotline", "tick", "--collection", p.col))
        self.assertEqual(self.sync(p, "bonn").get("pushed", 0), 0)
        self.assertEqual(len(self.inbox(b, "cert-de")), 1)
