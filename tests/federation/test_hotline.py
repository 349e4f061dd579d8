"""The hotline between two real `entente` nodes (issue 15): rounds driven with `entente
peer sync`, hotline ticks with `entente hotline tick` (the nodes serve with
--hotline-interval 0, so that nothing happens between the steps a test takes).

Node "paris" hosts cert-fr, node "bonn" hosts cert-de. Each pushes its hotline collection
into the other's and declares who lives on the other (`peer add --recipient`): a peer
speaks only for those organisations. The tests check, on both nodes:

- the directory federates: cert-fr finds cert-de's contacts on its own node;
- a request from paris reaches bonn, is delivered there (recorded by cert-de on bonn), is
  acknowledged by cert-de, and paris sees the delivery and the acknowledgement;
- a second request is not acknowledged and escalates on paris (deadline, next contact,
  then the 24/7 contact); bonn sees each escalation and whom it is with now;
- an acknowledgement that does not come from where the addressee lives is ignored:
  written on paris in cert-de's name by an organisation of paris, or pushed from bonn in
  the name of another organisation of bonn; one pushed from oslo in cert-de's name never
  gets in (paris's ingress rule: oslo speaks only for the organisations living there);
- the messages and records go to the two parties' nodes only: a third node, which both
  push to, gets none of them.
"""
import json
import time
import uuid

from fedharness import TLP, AUDIENCE_EXT, FederationCase

HOTLINE_EXT = "extension-definition--7d2c9b4e-1a6f-4c3b-8e0d-5f9a2c6b3e02"
WAIT = 60


class HotlineFederation(FederationCase):
    def setUp(self):
        super().setUp()
        p = self.node("paris", "FR")
        b = self.node("bonn", "DE")
        o = self.node("oslo", "NO")
        self.fr = p.ok("org", "add", "cert-fr", "--name", "CERT-FR", "--country", "FR").strip()
        self.rogue = p.ok("org", "add", "rogue", "--name", "rogue", "--country", "FR").strip()
        p.org("from-bonn")
        p.org("from-oslo")
        self.de = b.ok("org", "add", "cert-de", "--name", "CERT-Bund", "--country", "DE").strip()
        self.mallory = b.ok("org", "add", "mallory", "--name", "m", "--country", "DE").strip()
        b.org("from-paris")
        self.no = o.ok("org", "add", "cert-no", "--name", "NorCERT", "--country", "NO").strip()
        o.org("from-paris")
        o.org("from-bonn")
        p.col = p.collection("hotline", ["cert-fr", "rogue", "from-bonn", "from-oslo"],
                             ["cert-fr", "rogue", "from-bonn", "from-oslo"])
        b.col = b.collection("hotline", ["cert-de", "mallory", "from-paris"],
                             ["cert-de", "mallory", "from-paris"])
        o.col = o.collection("hotline", ["cert-no", "from-paris", "from-bonn"],
                             ["cert-no", "from-paris", "from-bonn"])
        for n in (p, b, o):
            n.start(extra=["--no-federation", "--hotline-interval", "0"])
        self.link(p, b, "from-paris", "from-bonn", [self.de, self.mallory])
        self.link(b, p, "from-bonn", "from-paris", [self.fr, self.rogue])
        self.link(p, o, "from-paris", "from-oslo", [self.no])
        self.link(b, o, "from-bonn", None, [self.no])
        self.link(o, p, "from-oslo", "from-paris", [self.fr, self.rogue])
        self.p, self.b, self.o = p, b, o
        # cert-de's directory entries, published on bonn.
        self.duty = self.publish(b, "cert-de", "duty", "--rank", "1", "--language", "de,en",
                                 "--service", "incident-handling", "--office-hours",
                                 "Mo-Fr 08-18", "--email", "duty@bund.example")
        self.deputy = self.publish(b, "cert-de", "deputy", "--rank", "2", "--email",
                                   "deputy@bund.example")
        self.night = self.publish(b, "cert-de", "night desk", "--24x7", "--phone", "+49 228 2",
                                  "--service", "incident-handling")

    def link(self, src, dst, dst_inbound_org, src_local_org, living_there):
        """src pushes its hotline collection into dst's with a token of dst's
        `dst_inbound_org`; src declares who lives on dst, and which local organisation dst
        pushes into src as."""
        args = ["add", dst.name, "--url", dst.url(), "--token", dst.token(dst_inbound_org),
                "--jurisdiction", "DE", "--push", "%s:%s" % (src.col, dst.col)]
        if src_local_org:
            args += ["--local-org", src_local_org]
        for r in living_there:
            args += ["--recipient", r]
        r = src.peer(*args)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def publish(self, node, org, name, *extra):
        return node.ok("contact", "publish", "--as", org, "--collection", node.col, "--name",
                       name, *extra).strip()

    def sync(self, node, peer):
        rc, counts, err = node.sync(peer)
        self.assertEqual(rc, 0, err)
        return counts

    def status(self, node, message):
        return json.loads(node.ok("hotline", "status", message, "--collection", node.col,
                                  "--json"))

    def tick(self, node):
        return node.ok("hotline", "tick", "--collection", node.col)

    def notes(self, node):
        bundle = json.loads(node.ok("export", "--collection", node.col, "--all-versions"))
        return [o for o in bundle.get("objects", []) if o["type"] == "note"]

    def test_request_acked_on_the_other_node_and_a_second_one_escalates(self):
        p, b = self.p, self.b
        self.sync(b, "paris")
        # The directory federates: cert-fr finds its German counterpart on its own node.
        found = [json.loads(l) for l in p.ok(
            "contact", "list", "--collection", p.col, "--country", "DE", "--service",
            "incident-handling", "--json").splitlines()]
        self.assertEqual([c["id"] for c in found], [self.duty, self.night])
        self.assertEqual(found[0]["organization_ref"], self.de)

        # 1. A request from paris, acknowledged on bonn.
        m1 = p.ok("hotline", "send", "--as", "cert-fr", "--collection", p.col, "--to",
                  self.duty, "--subject", "Coordinated disclosure", "--within", "1h").strip()
        self.assertEqual(self.sync(p, "bonn").get("pushed"), 1)
        self.assertIn("deliveries 1", self.tick(b))  # recorded by cert-de on bonn
        inbox = [json.loads(l) for l in b.ok("hotline", "inbox", "--collection", b.col,
                                              "--as", "cert-de", "--json").splitlines()]
        self.assertEqual([i["id"] for i in inbox], [m1])
        b.ok("hotline", "ack", m1, "--as", "cert-de", "--collection", b.col, "--note", "ok")
        self.sync(b, "paris")
        st = self.status(p, m1)
        self.assertEqual(st["phase"], "acknowledged")
        self.assertTrue(st["ack_in_time"])
        self.assertEqual([(s["what"], s["by"]) for s in st["steps"]],
                         [("sent", self.fr), ("delivered", self.de), ("acknowledged", self.de)])
        self.assertIn("escalations 0", self.tick(p))

        # 2. A request nobody acknowledges: it escalates on paris, and bonn sees each step.
        m2 = p.ok("hotline", "send", "--as", "cert-fr", "--collection", p.col, "--org",
                  self.de, "--subject", "Urgent: who handles this?", "--within", "1s").strip()
        self.sync(p, "bonn")
        self.tick(b)
        self.sync(b, "paris")
        deadline = time.monotonic() + WAIT
        st = self.status(p, m2)
        while st["phase"] != "unanswered" and time.monotonic() < deadline:
            time.sleep(0.2)
            self.tick(p)
            st = self.status(p, m2)
        self.assertEqual(st["phase"], "unanswered")
        self.assertTrue(st["delivered"])
        esc = [s for s in st["steps"] if s["what"] == "escalated"]
        self.assertEqual([s["contact"] for s in esc], [self.deputy, self.night])
        self.sync(p, "bonn")
        seen_on_bonn = self.status(b, m2)
        self.assertEqual([s["what"] for s in seen_on_bonn["steps"]],
                         ["sent", "delivered", "escalated", "escalated"])
        self.assertEqual(seen_on_bonn["contact"], self.night)
        self.assertEqual(seen_on_bonn["phase"], "unanswered")

        # Everything stays with the two parties: oslo, pushed to by both, got no note.
        self.sync(p, "oslo")
        self.sync(b, "oslo")
        self.assertEqual(self.notes(self.o), [])
        # Each record is stored once on each node (no step doubled by the exchange).
        for node in (p, b):
            ids = [n["id"] for n in self.notes(node)]
            self.assertEqual(len(ids), len(set(ids)), node.name)

    def test_acks_not_from_where_the_addressee_lives_are_ignored(self):
        p, b = self.p, self.b
        self.sync(b, "paris")
        m = p.ok("hotline", "send", "--as", "cert-fr", "--collection", p.col, "--to",
                 self.duty, "--subject", "x", "--within", "1h").strip()
        self.sync(p, "bonn")

        def ack(creator):
            return {"type": "note", "spec_version": "2.1", "id": "note--" + str(uuid.uuid4()),
                    "created": "2026-01-01T00:00:00.000Z",
                    "modified": "2026-01-01T00:00:00.000Z", "created_by_ref": creator,
                    "content": "ack", "object_refs": [m], "object_marking_refs": [TLP["amber"]],
                    "extensions": {
                        AUDIENCE_EXT: {"extension_type": "property-extension",
                                       "recipients": [self.fr, self.de]},
                        HOTLINE_EXT: {"extension_type": "property-extension",
                                      "hotline_type": "ack", "message_ref": m}}}

        # On paris, an organisation of paris writes an ack in cert-de's name: admission lets
        # a local organisation name a creator outside the node, the hotline does not.
        p.post(p.col, p.token("rogue"), [ack(self.de)])
        # On bonn, mallory acks in its own name; bonn pushes it to paris (cert-fr is a
        # recipient), where it is not the addressee's.
        b.post(b.col, b.token("mallory"), [ack(self.mallory)])
        # On oslo, where cert-de does not live, cert-no writes an ack in cert-de's name (a
        # creator outside oslo, which oslo's admission allows) and oslo pushes it to paris:
        # oslo is not a node paris knows cert-de to live on.
        o = self.o
        from_oslo = ack(self.de)
        o.post(o.col, o.token("cert-no"), [from_oslo])
        # And bonn's CLI refuses mallory outright.
        r = b.cli("hotline", "ack", m, "--as", "mallory", "--collection", b.col)
        self.assertEqual(r.returncode, 1)
        self.sync(b, "paris")
        counts = self.sync(o, "paris")
        # Paris refuses what oslo pushes in cert-de's name: a peer speaks, on push as on
        # pull, only for the organisations declared on it (docs/sharing-rules.md).
        self.assertEqual(counts.get("pushed"), 0, counts)
        self.assertNotIn(from_oslo["id"], p.stored(p.col))
        st = self.status(p, m)
        self.assertFalse(st["acknowledged"])
        ignored = sorted((s["by"], s["detail"]) for s in st["steps"] if s["what"] == "ignored")
        self.assertEqual(len(ignored), 2, st)
        from_de = [why for who, why in ignored if who == self.de]
        self.assertEqual(len(from_de), 1)  # rogue's, written on paris
        for why in from_de:
            self.assertIn("did not come from where that organisation lives", why)
        self.assertEqual([why for who, why in ignored if who == self.mallory],
                         ["ack made by %s, not by %s" % (self.mallory, self.de)])
        # The real one counts.
        b.ok("hotline", "ack", m, "--as", "cert-de", "--collection", b.col)
        self.sync(b, "paris")
        self.assertEqual(self.status(p, m)["phase"], "acknowledged")

    def test_a_pulled_ack_for_an_organisation_not_living_on_the_peer_is_refused(self):
        """The ingress rule on pull (docs/sharing-rules.md, "What comes in from a peer"):
        an object whose created_by_ref names an organisation that does not live on that
        peer is refused by admission, so such an ack never reaches the store."""
        p, o = self.p, self.o
        self.sync(self.b, "paris")
        m = p.ok("hotline", "send", "--as", "cert-fr", "--collection", p.col, "--to",
                 self.duty, "--subject", "x", "--within", "1h").strip()
        forged = {"type": "note", "spec_version": "2.1", "id": "note--" + str(uuid.uuid4()),
                  "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
                  "created_by_ref": self.de, "content": "ack", "object_refs": [m],
                  # CLEAR, so that the puller's token may read it on oslo at all.
                  "object_marking_refs": [TLP["clear"]],
                  "extensions": {
                      AUDIENCE_EXT: {"extension_type": "property-extension",
                                     "recipients": [self.fr, self.de]},
                      HOTLINE_EXT: {"extension_type": "property-extension",
                                    "hotline_type": "ack", "message_ref": m}}}
        o.post(o.col, o.token("cert-no"), [forged])
        # Paris now pulls from oslo instead of being pushed to (cert-fr may read there).
        o.ok("collection", "grant", o.col, "--org", "from-paris", "--read")
        self.assertEqual(p.peer("remove", "oslo").returncode, 0)
        r = p.peer("add", "oslo", "--url", o.url(), "--token", o.token("from-paris"),
                   "--jurisdiction", "NO", "--pull", "%s:%s" % (o.col, p.col),
                   "--recipient", self.no)
        self.assertEqual(r.returncode, 0, r.stderr)
        rc, counts, err = p.sync("oslo")
        self.assertEqual(counts.get("refused"), 1, (counts, err))
        self.assertNotIn(forged["id"], p.stored(p.col))
        st = self.status(p, m)
        self.assertEqual([s["what"] for s in st["steps"]], ["sent"])
