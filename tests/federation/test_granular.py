"""Granular markings across federation (issue 13): three real `entente` nodes on loopback,
rounds driven with `entente peer sync`.

STIX 2.1 section 7.2.3 ("Granular Markings") lets a producer mark parts of an object,
named by selectors, more strictly than the whole. The sharing rules make each part travel
as the object would were it labelled with that part's TLP: CLEAR always, GREEN to a node
hosting a community the object names, AMBER/AMBER+STRICT to a node where a named recipient
organisation lives, RED never. A part a peer may not receive is taken out together with
the granular markings that named it (section 7.2.3.1: a selector must name a property
or list item of the object it marks, so none may be left dangling); an object that would
be left invalid without it (section 4.7: an indicator's `pattern` is required) is
withheld; sovereignty rules run on what is left; and a relay forwards only what it
received, narrowed again for the next peer.

Every secret string is unique to the run and searched for in everything the receiving
nodes hold: the operator's export (all versions), every TAXII body their analysts fetch,
and the raw bytes of their data folders.
"""
import json
import os
import unittest
import uuid

from fedharness import AUDIENCE_EXT, TLP, FederationCase

HASH_KEY = "granular-shared-key-2026"
TAG = uuid.uuid4().hex[:12]
RED_DESCRIPTION = "RED-SECRET-informant-%s" % TAG
RED_PATTERN_IP = "203.0.113.77"
RED_DISPLAY_NAME = "RED-SECRET-Jane-%s" % TAG
AMBER_TEXT = "AMBER-SECRET-sighting-%s" % TAG
AMBER_Y_TEXT = "AMBER-SECRET-victim-sector-%s" % TAG
GREEN_C_LABEL = "green-secret-c-circle-%s" % TAG
GREEN_B_LABEL = "green-secret-b-circle-%s" % TAG
CLEAR_URL = "https://example.org/CLEAR-PART-%s" % TAG
RED_TLP1_TEXT = "RED-SECRET-tlp1-%s" % TAG
HOUSE_TEXT = "HOUSE-MARKED-%s" % TAG
STRICT_ALIAS = "strict-secret-alias-%s" % TAG
TLP1_RED = "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"  # TLP 1.0 RED, STIX 2.1 7.2.1
HOUSE_MARKING = "marking-definition--d5e7f9a1-3b4c-4d6e-8f0a-2b4c6d8e0f79"  # not a TLP
NAME_X = "granular-x-%s" % TAG
EMAIL = "jane.doe-%s@example.org" % TAG
SECRETS = (RED_DESCRIPTION, RED_PATTERN_IP, RED_DISPLAY_NAME, RED_TLP1_TEXT)


def audience(**fields):
    ext = {"extension_type": "property-extension"}
    ext.update(fields)
    return {AUDIENCE_EXT: ext}


def base(kind, tlp, creator):
    return {"type": kind, "spec_version": "2.1", "id": "%s--%s" % (kind, uuid.uuid4()),
            "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z",
            "created_by_ref": creator, "object_marking_refs": [TLP[tlp]]}


def gm(tlp, *selectors):
    return {"marking_ref": TLP[tlp], "selectors": list(selectors)}


class Granular(FederationCase):
    def build(self, push_a_to_c):
        """A (FR) publishes into `shared`; B (DE) hosts eu-csirts and b-circle and the
        recipient organisation cert-de; C (US) hosts eu-csirts and c-circle, no recipient.
        A pushes to B (e-mail values hashed), and to C (indicator names redacted) when
        `push_a_to_c`; B pushes to C (a relay)."""
        a, b, c = self.node("node-a", "FR"), self.node("node-b", "DE"), self.node("node-c", "US")
        a.org("cert-fr", "--community", "eu-csirts")
        b.org("cert-de", "--community", "eu-csirts", "--community", "b-circle")
        c.org("us-cert", "--community", "eu-csirts", "--community", "c-circle")
        for n, analyst in ((a, "cert-fr"), (b, "cert-de"), (c, "us-cert")):
            for peer_org in ("from-a", "from-b", "from-c"):
                if peer_org != "from-" + n.name[-1]:
                    n.org(peer_org)
            readers = [analyst] + [o for o in ("from-a", "from-b", "from-c")
                                   if o != "from-" + n.name[-1]]
            n.col = n.collection("shared", readers, readers, tlp="clear")
            n.analyst = analyst
            n.analyst_token = n.token(analyst)
            n.start(extra=["--no-federation"])
        self.fr = a.identity("cert-fr")
        self.de = b.identity("cert-de")

        def add(src, dst, communities, recipients, *extra):
            args = ["add", dst.name, "--url", dst.url(), "--token",
                    dst.token("from-" + src.name[-1]), "--jurisdiction",
                    {"node-b": "DE", "node-c": "US"}[dst.name],
                    "--push", "%s:%s" % (src.col, dst.col), "--local-org", "from-" + dst.name[-1]]
            for x in communities:
                args += ["--community", x]
            for x in recipients:
                args += ["--recipient", x]
            r = src.peer(*(args + list(extra)))
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

        add(a, b, ["eu-csirts", "b-circle"], [self.de], "--rule", "email-addr.value=hash",
            "--hash-key", HASH_KEY)
        if push_a_to_c:
            add(a, c, ["eu-csirts", "c-circle"], [], "--rule", "indicator.name=redact")
        add(b, c, ["eu-csirts", "c-circle"], [])
        return a, b, c

    def publish(self, a):
        """The objects A publishes, by label; posted over TAXII by A's analyst."""
        objs = {}
        # CLEAR indicator, one part per TLP; GREEN parts go to c-circle, AMBER to cert-de.
        x = base("indicator", "clear", self.fr)
        x.update({
            "name": NAME_X, "description": RED_DESCRIPTION,
            "pattern": "[ipv4-addr:value = '198.51.100.10']", "pattern_type": "stix",
            "valid_from": "2024-01-01T00:00:00Z", "labels": [GREEN_C_LABEL],
            "external_references": [{"source_name": "clear-source", "url": CLEAR_URL},
                                    {"source_name": "amber-source", "description": AMBER_TEXT}],
            "granular_markings": [gm("red", "description"),
                                  gm("clear", "external_references.[0]"),
                                  gm("amber", "external_references.[1]"),
                                  gm("green", "labels")],
            "extensions": audience(communities=["c-circle"], recipients=[self.de]),
        })
        objs["x"] = x
        # CLEAR object whose GREEN part names a community only B hosts; its description
        # is RED by the TLP 1.0 id, and a reference carries a marking that is no TLP
        # (counted as AMBER; the object names no recipient, so no peer receives it).
        w = base("indicator", "clear", self.fr)
        w.update({
            "name": "granular-w", "pattern": "[ipv4-addr:value = '198.51.100.11']",
            "pattern_type": "stix", "valid_from": "2024-01-01T00:00:00Z",
            "labels": [GREEN_B_LABEL], "description": RED_TLP1_TEXT,
            "external_references": [{"source_name": "house", "description": HOUSE_TEXT}],
            "granular_markings": [gm("green", "labels"),
                                  {"marking_ref": TLP1_RED, "selectors": ["description"]},
                                  {"marking_ref": HOUSE_MARKING,
                                   "selectors": ["external_references"]}],
            "extensions": audience(communities=["b-circle"]),
        })
        objs["w"] = w
        # GREEN object (eu-csirts, on B and C) with a RED, an AMBER and an AMBER+STRICT part.
        y = base("malware", "green", self.fr)
        y.update({
            "name": "granular-y", "is_family": True, "description": RED_DESCRIPTION + "-y",
            "malware_types": ["remote-access-trojan"], "aliases": [STRICT_ALIAS],
            "external_references": [{"source_name": "amber-source", "description": AMBER_Y_TEXT}],
            "granular_markings": [gm("red", "description"),
                                  gm("amber", "external_references"),
                                  gm("amber+strict", "aliases")],
            "extensions": audience(communities=["eu-csirts"], recipients=[self.de]),
        })
        objs["y"] = y
        # CLEAR indicator whose required `pattern` is RED: no peer may have it.
        z = base("indicator", "clear", self.fr)
        z.update({
            "name": "granular-z", "pattern": "[ipv4-addr:value = '%s']" % RED_PATTERN_IP,
            "pattern_type": "stix", "valid_from": "2024-01-01T00:00:00Z",
            "granular_markings": [gm("red", "pattern")],
        })
        objs["z"] = z
        # CLEAR e-mail address whose display name is RED; the link to B hashes the value.
        e = {"type": "email-addr", "spec_version": "2.1",
             "id": "email-addr--" + str(uuid.uuid4()), "value": EMAIL,
             "display_name": RED_DISPLAY_NAME, "object_marking_refs": [TLP["clear"]],
             "granular_markings": [gm("red", "display_name")]}
        objs["e"] = e
        a.post(a.col, a.analyst_token, list(objs.values()))
        return objs

    def publish_selector_forms(self, a):
        """Objects whose markings use the other selector forms of section 7.2.3: list items
        (`kill_chain_phases.[0]`), a property inside a list item
        (`kill_chain_phases.[1].phase_name`), a dictionary key (`contents.fr` of a
        language-content object, 7.1) and a `lang` entry, which restricts nothing."""
        k = base("indicator", "clear", self.fr)
        k.update({
            "name": "granular-k", "pattern": "[ipv4-addr:value = '198.51.100.13']",
            "pattern_type": "stix", "valid_from": "2024-01-01T00:00:00Z",
            "kill_chain_phases": [
                {"kill_chain_name": "lockheed-martin-cyber-kill-chain", "phase_name": "delivery"},
                {"kill_chain_name": "lockheed-martin-cyber-kill-chain",
                 "phase_name": "exploitation"}],
            "external_references": [
                {"source_name": "red-source", "description": RED_DESCRIPTION + "-k"},
                {"source_name": "green-source", "url": "https://example.org/green"},
                {"source_name": "amber-source", "description": AMBER_TEXT + "-k"}],
            "granular_markings": [gm("red", "kill_chain_phases.[0]", "external_references.[0]"),
                                  gm("amber", "external_references.[2]"),
                                  gm("green", "external_references.[1]",
                                     "kill_chain_phases.[1].phase_name")],
            "extensions": audience(communities=["eu-csirts"]),
        })
        lc = base("language-content", "clear", self.fr)
        lc.update({"object_ref": k["id"], "object_modified": k["modified"],
                   "contents": {"de": {"name": "Ziel"}, "fr": {"name": RED_DESCRIPTION + "-fr"}},
                   "granular_markings": [gm("red", "contents.fr"),
                                         {"lang": "de", "selectors": ["contents.de"]}]})
        a.post(a.col, a.analyst_token, [k, lc])
        return k, lc

    # -- what a node holds ------------------------------------------------------------

    def everything(self, node):
        """One text holding every object the node stores (operator's export, all
        versions) and every TAXII body its analyst can fetch from its collection."""
        texts = [node.ok("export", "--collection", node.col, "--all-versions")]
        base_path = "/api/collections/%s/" % node.col
        status, body = node.request("GET", base_path + "objects/", node.analyst_token)
        self.assertEqual(status, 200, body)
        texts.append(json.dumps(body))
        for path in ("manifest/",):
            status, body = node.request("GET", base_path + path, node.analyst_token)
            self.assertIn(status, (200, 404), body)
            texts.append(json.dumps(body))
        for obj in json.loads(texts[0]).get("objects", []):
            for path in ("objects/%s/" % obj["id"], "objects/%s/versions/" % obj["id"]):
                status, body = node.request("GET", base_path + path, node.analyst_token)
                self.assertEqual(status, 200, (path, body))
                texts.append(json.dumps(body))
        return "\n".join(texts)

    def assert_no_secret_anywhere(self, node, secrets):
        text = self.everything(node)
        raw = b""
        for name in sorted(os.listdir(node.dir)):
            path = os.path.join(node.dir, name)
            if os.path.isfile(path):
                with open(path, "rb") as f:
                    raw += f.read()
        for secret in secrets:
            self.assertNotIn(secret, text, "%s serves %r" % (node.name, secret))
            self.assertNotIn(secret.encode(), raw, "%s stores %r" % (node.name, secret))

    def assert_valid(self, node, objects):
        """`entente validate` accepts every object as the node received it."""
        path = os.path.join(self.tmp, "received-%s-%s.json" % (node.name, uuid.uuid4()))
        with open(path, "w") as f:
            json.dump({"type": "bundle", "id": "bundle--" + str(uuid.uuid4()),
                       "objects": list(objects)}, f)
        r = node.cli("validate", path)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def explain(self, node, peer, obj_id):
        r = node.peer("explain", peer, "--collection", node.col, "--object", obj_id)
        self.assertIn(r.returncode, (0, 1), r.stdout + r.stderr)
        return r.returncode, r.stdout

    def sync(self, node, peer):
        rc, counts, err = node.sync(peer)
        self.assertEqual(rc, 0, err)
        return counts

    # -- the runs ---------------------------------------------------------------------

    def test_each_part_reaches_only_the_nodes_its_tlp_allows(self):
        a, b, c = self.build(push_a_to_c=True)
        objs = self.publish(a)
        x, w, y, z, e = (objs[k] for k in "xwyze")
        for peer in ("node-b", "node-c"):
            self.sync(a, peer)
        on_b, on_c = b.stored(b.col), c.stored(c.col)

        # RED (7.2.3 marks the part; TLP:RED never leaves): not on B or C, nowhere.
        self.assert_no_secret_anywhere(b, SECRETS)
        self.assert_no_secret_anywhere(c, SECRETS)

        # X (CLEAR): B has the AMBER part (cert-de lives there), not the GREEN one
        # (c-circle is not on B); C has the GREEN part, not the AMBER one; both the CLEAR one.
        xb, xc = on_b[x["id"]], on_c[x["id"]]
        self.assertNotIn("description", xb)
        self.assertNotIn("description", xc)
        self.assertEqual([r["source_name"] for r in xb["external_references"]],
                         ["clear-source", "amber-source"])
        self.assertEqual([r["source_name"] for r in xc["external_references"]], ["clear-source"])
        self.assertEqual(xc["external_references"][0]["url"], CLEAR_URL)
        self.assertNotIn("labels", xb)
        self.assertEqual(xc["labels"], [GREEN_C_LABEL])
        self.assertNotIn(AMBER_TEXT, self.everything(c))
        self.assertNotIn(GREEN_C_LABEL, self.everything(b))
        # The markings that named a removed part go with it; the others still apply.
        self.assertEqual(sorted(s for g in xb["granular_markings"] for s in g["selectors"]),
                         ["external_references.[0]", "external_references.[1]"])
        self.assertEqual(sorted(s for g in xc["granular_markings"] for s in g["selectors"]),
                         ["external_references.[0]", "labels"])
        # Sovereignty after the part removal: C's rule redacts the name of what is left.
        self.assertEqual(xb["name"], NAME_X)
        self.assertNotIn("name", xc)

        # W: the GREEN part names b-circle, hosted on B only; the part under a marking
        # that is no TLP counts as AMBER and W names no recipient: it reaches nobody.
        self.assertEqual(on_b[w["id"]]["labels"], [GREEN_B_LABEL])
        self.assertNotIn("labels", on_c[w["id"]])
        self.assertNotIn(GREEN_B_LABEL, self.everything(c))
        for node, held in ((b, on_b), (c, on_c)):
            self.assertNotIn("external_references", held[w["id"]])
            self.assertNotIn(HOUSE_TEXT, self.everything(node))
        rc, out = self.explain(a, "node-b", w["id"])
        self.assertIn("change: external_references (TLP:AMBER): removed", out)
        self.assertIn("change: description (TLP:RED): removed", out)

        # Y (GREEN, eu-csirts on both): the AMBER list and the AMBER+STRICT aliases reach
        # B only (cert-de, the named recipient, lives there), RED nobody.
        self.assertEqual(on_b[y["id"]]["external_references"][0]["description"], AMBER_Y_TEXT)
        self.assertEqual(on_b[y["id"]]["aliases"], [STRICT_ALIAS])
        self.assertNotIn("external_references", on_c[y["id"]])
        self.assertNotIn("aliases", on_c[y["id"]])
        self.assertNotIn(AMBER_Y_TEXT, self.everything(c))
        self.assertNotIn(STRICT_ALIAS, self.everything(c))
        self.assertNotIn("granular_markings", on_c[y["id"]])  # every marked part was removed

        # Z: without its RED pattern an indicator breaks a MUST rule (4.7: pattern is
        # required): withheld from both, and explain gives the granular-markings reason.
        self.assertNotIn(z["id"], on_b)
        self.assertNotIn(z["id"], on_c)
        for peer in ("node-b", "node-c"):
            rc, out = self.explain(a, peer, z["id"])
            self.assertEqual(rc, 1, out)
            self.assertIn("decision: withhold", out)
            self.assertIn("reason: granular markings: ", out)
            self.assertIn("pattern", out.split("reason: ", 1)[1])
            self.assertNotIn(RED_PATTERN_IP, out)

        # E: the RED display name is removed first, then B's rule hashes the value
        # (and keys the id, as for any hashed SCO); C has the value, without the name.
        eb = [o for o in on_b.values() if o["type"] == "email-addr"]
        self.assertEqual(len(eb), 1, on_b)
        self.assertTrue(eb[0]["value"].startswith("hmac-sha256:"), eb[0])
        self.assertNotIn("display_name", eb[0])
        self.assertNotIn("granular_markings", eb[0])
        self.assertNotIn(EMAIL, self.everything(b))
        self.assertEqual(on_c[e["id"]]["value"], EMAIL)
        self.assertNotIn("display_name", on_c[e["id"]])

        # peer explain lists each removed part with its TLP, before what sovereignty did.
        rc, out = self.explain(a, "node-b", x["id"])
        self.assertEqual(rc, 0, out)
        self.assertIn("decision: send", out)
        changes = [l[len("change: "):] for l in out.splitlines() if l.startswith("change: ")]
        self.assertEqual(sorted(changes), sorted([
            "description (TLP:RED): removed (granular marking; node-b may not receive it)",
            "labels (TLP:GREEN): removed (granular marking; node-b may not receive it)"]))
        self.assertNotIn(RED_DESCRIPTION, out)
        rc, out = self.explain(a, "node-c", x["id"])
        self.assertEqual(rc, 0, out)
        changes = [l[len("change: "):] for l in out.splitlines() if l.startswith("change: ")]
        self.assertEqual(len(changes), 3, out)
        self.assertEqual(sorted(changes[:2]), sorted([
            "description (TLP:RED): removed (granular marking; node-c may not receive it)",
            "external_references.[1] (TLP:AMBER): removed (granular marking; node-c may not "
            "receive it)"]))
        self.assertEqual(changes[2], "name: redacted")
        rc, out = self.explain(a, "node-b", e["id"])
        self.assertEqual(rc, 0, out)
        changes = [l[len("change: "):] for l in out.splitlines() if l.startswith("change: ")]
        self.assertEqual(changes[0], "display_name (TLP:RED): removed (granular marking; "
                                     "node-b may not receive it)")
        self.assertIn("value: hashed", changes)
        self.assertNotIn(RED_DISPLAY_NAME, out)

        # What arrived is valid STIX 2.1 (the peers checked it as a POST; so does validate).
        self.assert_valid(b, on_b.values())
        self.assert_valid(c, on_c.values())

        # The receiving node applies the same rule to its own readers: on B the AMBER part
        # is for cert-de (the named recipient) and not for another reader of the
        # collection; on C the GREEN part is for the c-circle member only.
        for node, member, part in ((b, "cert-de", AMBER_TEXT), (c, "us-cert", GREEN_C_LABEL)):
            node.org("other-reader")
            node.ok("collection", "grant", node.col, "--org", "other-reader", "--read")
            other = node.token("other-reader")
            path = "/api/collections/%s/objects/%s/" % (node.col, x["id"])
            status, body = node.request("GET", path, node.analyst_token)
            self.assertEqual(status, 200, body)
            self.assertIn(part, json.dumps(body), member)
            status, body = node.request("GET", path, other)
            self.assertEqual(status, 200, body)
            self.assertEqual([o["id"] for o in body["objects"]], [x["id"]])
            self.assertNotIn(part, json.dumps(body), node.name)

        # A's own analyst (the owner) still reads everything; nothing more leaves later.
        mine = a.stored(a.col)
        self.assertEqual(mine[x["id"]]["description"], RED_DESCRIPTION)
        for peer in ("node-b", "node-c"):
            self.assertEqual(self.sync(a, peer).get("pushed"), 0)

    def test_a_relay_forwards_only_what_it_received(self):
        a, b, c = self.build(push_a_to_c=False)
        objs = self.publish(a)
        x, w, y, z = (objs[k] for k in "xwyz")
        k, lc = self.publish_selector_forms(a)
        self.sync(a, "node-b")
        self.sync(b, "node-c")
        on_b, on_c = b.stored(b.col), c.stored(c.col)
        self.assertIn(x["id"], on_c)  # it did travel A -> B -> C
        self.assertNotIn(z["id"], on_c)
        self.assert_no_secret_anywhere(b, SECRETS)
        self.assert_no_secret_anywhere(c, SECRETS)

        # List items go and the selectors into the same list are renumbered, on both
        # hops (the GREEN parts are for eu-csirts, which B and C host; the AMBER one names
        # no recipient); the dictionary key goes, the `lang` entry stays.
        for node, held in ((b, on_b), (c, on_c)):
            kk = held[k["id"]]
            self.assertEqual([p["phase_name"] for p in kk["kill_chain_phases"]], ["exploitation"])
            self.assertEqual([r["source_name"] for r in kk["external_references"]],
                             ["green-source"])
            self.assertEqual(kk["granular_markings"], [
                {"marking_ref": TLP["green"],
                 "selectors": ["external_references.[0]", "kill_chain_phases.[0].phase_name"]}])
            self.assertEqual(held[lc["id"]]["contents"], {"de": {"name": "Ziel"}}, node.name)
            self.assertEqual(held[lc["id"]]["granular_markings"],
                             [{"lang": "de", "selectors": ["contents.de"]}])
        self.assertNotIn(AMBER_TEXT + "-k", self.everything(b))

        # B received X's AMBER part (for cert-de); C hosts no recipient: B takes it out.
        self.assertIn("amber-source",
                      [r["source_name"] for r in on_b[x["id"]]["external_references"]])
        xc = on_c[x["id"]]
        self.assertEqual([r["source_name"] for r in xc["external_references"]], ["clear-source"])
        self.assertNotIn(AMBER_TEXT, self.everything(c))
        self.assertNotIn(AMBER_Y_TEXT, self.everything(c))
        # The GREEN part for c-circle never reached B, so C cannot have it from B either.
        self.assertNotIn("labels", xc)
        self.assertNotIn(GREEN_C_LABEL, self.everything(c))
        # W's GREEN part (b-circle) is on B, and stays there: C does not host b-circle.
        self.assertEqual(on_b[w["id"]]["labels"], [GREEN_B_LABEL])
        self.assertNotIn("labels", on_c[w["id"]])
        self.assertNotIn(GREEN_B_LABEL, self.everything(c))

        rc, out = self.explain(b, "node-c", x["id"])
        self.assertEqual(rc, 0, out)
        self.assertIn("provenance: node-a", out)
        changes = [l[len("change: "):] for l in out.splitlines() if l.startswith("change: ")]
        self.assertEqual(changes, ["external_references.[1] (TLP:AMBER): removed (granular "
                                   "marking; node-c may not receive it)"])
        rc, out = self.explain(b, "node-c", y["id"])
        self.assertEqual(rc, 0, out)
        self.assertIn("external_references (TLP:AMBER): removed", out)
        self.assert_valid(c, on_c.values())

    def test_a_pulling_peer_gets_what_the_read_gate_gives_its_organisation(self):
        # Pull is the TAXII read path: A serves B what A's read gate lets from-b (the
        # organisation whose token B presents; no community, not a named recipient) see.
        # RED, AMBER and GREEN parts stay on A; an object that would be invalid without a
        # hidden part (Z) is absent, as if it did not exist: nothing for B to count or refuse.
        a, b, c = self.build(push_a_to_c=False)
        r = b.peer("add", "node-a", "--url", a.url(), "--token", a.token("from-b"),
                   "--jurisdiction", "FR", "--recipient", self.fr,
                   "--pull", "%s:%s" % (a.col, b.col), "--local-org", "from-a")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        objs = self.publish(a)
        counts = self.sync(b, "node-a")
        on_b = b.stored(b.col)
        # X, W and E (CLEAR) come; Y (GREEN for eu-csirts) is not for from-b; Z is absent.
        self.assertEqual(set(on_b), {objs[k]["id"] for k in "xwe"})
        self.assertEqual((counts.get("pulled"), counts.get("refused")), (3, 0), counts)
        self.assert_no_secret_anywhere(
            b, SECRETS + (AMBER_TEXT, GREEN_C_LABEL, GREEN_B_LABEL, HOUSE_TEXT))
        xb = on_b[objs["x"]["id"]]
        self.assertEqual([r["url"] for r in xb["external_references"]], [CLEAR_URL])
        self.assertEqual(xb["granular_markings"],
                         [{"marking_ref": TLP["clear"], "selectors": ["external_references.[0]"]}])
        self.assertEqual(on_b[objs["e"]["id"]]["value"], EMAIL)
        self.assert_valid(b, on_b.values())

    # A sovereignty rule that redacts a property a granular marking selects takes the
    # marking's selectors of that property with it, as the part removal does; otherwise
    # the selector would name nothing (STIX 2.1 §7.2.3.1) and the object would stay home
    # (what this test found in the first wiring of the gate).
    def test_redacting_a_marked_property_drops_its_marking_not_the_object(self):
        a, b, c = self.build(push_a_to_c=True)  # A -> C redacts indicator.name
        i = base("indicator", "clear", self.fr)
        i.update({"name": "named-part", "pattern": "[ipv4-addr:value = '198.51.100.12']",
                  "pattern_type": "stix", "valid_from": "2024-01-01T00:00:00Z",
                  "description": "a public description",
                  "granular_markings": [gm("clear", "name"), gm("clear", "description")]})
        a.post(a.col, a.analyst_token, [i])
        rc, out = self.explain(a, "node-c", i["id"])
        self.assertEqual(rc, 0, out)
        self.sync(a, "node-c")
        got = c.stored(c.col).get(i["id"])
        self.assertIsNotNone(got)
        self.assertNotIn("name", got)
        self.assertEqual(got["granular_markings"],
                         [{"marking_ref": TLP["clear"], "selectors": ["description"]}])


if __name__ == "__main__":
    unittest.main()
