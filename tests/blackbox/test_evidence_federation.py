"""An evidence package of a case with real federation history (issue 16, "Done means": "an
export → verify round trip on a case with federation history"; docs/evidence.md).

Two real nodes on loopback, each serving with its federation running: cert-fr (FR) and
cert-de (DE), each pushing its cases collection to the other, each declaring who lives on
the other (`peer add --recipient`) and added while the other serves, so that each pins
the other's record key from its identity. The French CSIRT opens a TLP:AMBER case on
cert-fr inviting the German CERT, adds a task and its own state; the federation pushes
them to cert-de; the CERT acknowledges on cert-de and its state travels back.

Then, on each node, `entente evidence export --case` and `entente evidence verify` with
the node's key obtained over HTTP from its identity (GET /taxii2/, x_entente_node):

- cert-fr's package verifies; its entries hold, for every version of every case object
  cert-fr made, the egress decision the push recorded — sent to cert-de, rule and reason
  (the recipient living there) — and the batch item that stored it (channel local); for
  the CERT's state note, the batch that stored it as received from peer cert-de, and the
  decision that withheld it from cert-de (provenance: it came from there);
- cert-de's package verifies with cert-de's key; it shows the case objects received from
  peer cert-fr, and its own note sent to cert-fr;
- changing the peer an egress entry names makes verify exit 1 naming that entry.
"""
import hashlib
import json
import os
import shutil
import tempfile
import time
import unittest

from harness import Node

WAIT = 30
CASE_EXT = "extension-definition--3b8a6e2c-4f0d-4f7e-9d5a-6c1e2b7a9f01"


def parsed_entries(package):
    """{index: (entry, [items])} of a package, each text parsed."""
    return {e["index"]: (json.loads(e["text"]), [json.loads(i["text"]) for i in
                                                 e.get("items", [])])
            for e in package["entries"]}


class FederatedCaseEvidence(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="entente-bb-evfed-")
        cls.nodes = []
        try:
            cls.build()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        for n in cls.nodes:
            n.kill()
        shutil.rmtree(cls.tmp, True)

    @classmethod
    def node(cls, name, jurisdiction):
        d = os.path.join(cls.tmp, name)
        os.mkdir(d)
        n = Node(d, name, jurisdiction)
        cls.nodes.append(n)
        return n

    @classmethod
    def wait(cls, what, predicate):
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.1)
        raise AssertionError("waited %ds for %s" % (WAIT, what))

    @classmethod
    def case(cls, node, *args):
        r = node.cli("case", args[0], "--collection", node.col, *args[1:])
        if r.returncode != 0:
            raise AssertionError("entente case %s on %s: %s %s" % (args, node.name, r.stdout,
                                                                   r.stderr))
        return r.stdout.strip()

    @classmethod
    def show(cls, node, org):
        return json.loads(cls.case(node, "show", cls.case_id, "--as", org, "--json"))

    @classmethod
    def build(cls):
        fr = cls.fr = cls.node("cert-fr", "FR")
        de = cls.de = cls.node("cert-de", "DE")
        cls.csirt = fr.ok("org", "add", "csirt-fr", "--name", "CSIRT FR", "--country", "FR")
        fr.ok("org", "add", "from-de", "--name", "cert-de node", "--country", "DE")
        fr.col = fr.collection("cases", read=("csirt-fr", "from-de"),
                               write=("csirt-fr", "from-de"))
        cls.cert = de.ok("org", "add", "cert-de", "--name", "CERT DE", "--country", "DE")
        de.ok("org", "add", "from-fr", "--name", "cert-fr node", "--country", "FR")
        de.col = de.collection("cases", read=("cert-de", "from-fr"),
                               write=("cert-de", "from-fr"))
        cls.fr_token = fr.token("csirt-fr")  # a partner's view of cert-fr
        cls.de_token = de.token("cert-de")
        for n in (fr, de):
            n.start()
        for src, dst, inbound, outbound, lives_there in (
                (fr, de, "from-fr", "from-de", cls.cert), (de, fr, "from-de", "from-fr", cls.csirt)):
            r = src.cli("peer", "add", dst.name, "--url", "http://127.0.0.1:%d/api/" % dst.port,
                        "--token", dst.token(inbound), "--jurisdiction",
                        "DE" if dst is de else "FR", "--push", "%s:%s" % (src.col, dst.col),
                        "--local-org", outbound, "--recipient", lives_there)
            if r.returncode != 0 or "record key of %s" % dst.name not in r.stdout:
                raise AssertionError("peer add: %s %s" % (r.stdout, r.stderr))

        cls.case_id = cls.case(fr, "open", "--as", "csirt-fr", "--name", "wiper at a grid operator",
                               "--rsit-class", "availability", "--rsit-type", "sabotage",
                               "--invite", cls.cert)
        cls.task = cls.case(fr, "task", cls.case_id, "--as", "csirt-fr", "--name",
                            "collect the wiper sample")
        cls.case(fr, "state", cls.case_id, "investigating", "--as", "csirt-fr", "--note",
                 "sample under analysis")
        # The federation pushes the case to cert-de; the CERT acknowledges there, and its
        # state travels back.
        cls.wait("cert-de to hold the case, its task and the CSIRT's state", lambda: (
            de.cli("case", "show", cls.case_id, "--collection", de.col, "--as", "cert-de")
            .returncode == 0 and cls.show(de, "cert-de")["participants"][0]["state"]
            == "investigating" and cls.show(de, "cert-de")["tasks"]))
        cls.de_note = cls.case(de, "state", cls.case_id, "acknowledged", "--as", "cert-de",
                               "--note", "on it")
        cls.wait("cert-fr to hold the CERT's state", lambda: [
            p for p in cls.show(fr, "csirt-fr")["participants"]
            if p["identity"] == cls.cert and p["state"] == "acknowledged"])
        # cert-fr's push has decided on the CERT's note too (withheld: it came from there).
        cls.wait("cert-fr to decide on the CERT's note", lambda: cls.de_note in fr.ok(
            "log", "--kind", "egress-decision", "--json"))

        cls.packages = {}
        for n in (fr, de):
            path = os.path.join(cls.tmp, n.name + "-case.json")
            out = n.ok("evidence", "export", "--case", cls.case_id, "--collection", n.col,
                       "--out", path)
            if "record entries" not in out:
                raise AssertionError(out)
            with open(path) as f:
                cls.packages[n.name] = (path, json.load(f))

    def key_from_identity(self, node, token):
        """The node's record key as its identity publishes it (GET /taxii2/)."""
        res = node.request("GET", "/taxii2/", token=token)
        self.assertEqual(res.status, 200, res)
        published = res.json()["x_entente_node"]
        self.assertEqual(published["name"], node.name)
        self.assertEqual(hashlib.sha256(bytes.fromhex(published["record_key"])).hexdigest(),
                         published["record_key_id"])
        return published["record_key"]

    def verify(self, node, path, key):
        return node.cli("evidence", "verify", path, "--key", key)

    def custody(self, package):
        """(egress decisions by (id, version), stored items by (id, version) with their
        batch entry) of a package."""
        decisions, stored = {}, {}
        for entry, items in parsed_entries(package).values():
            body = entry["body"]
            if entry["kind"] == "egress-decision":
                decisions.setdefault((body["object_id"], body["version"]), []).append(body)
            if entry["kind"] == "objects-stored":
                for item in items:
                    stored.setdefault((item["id"], item["version"]), []).append((body, item))
        return decisions, stored

    def test_cert_fr_package_proves_what_was_sent_to_cert_de_and_why(self):
        path, package = self.packages["cert-fr"]
        r = self.verify(self.fr, path, self.key_from_identity(self.fr, self.fr_token))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("(the expected key)", r.stdout)
        decisions, stored = self.custody(package)
        objects = [(o["id"], o["version"], json.loads(o["json"])) for o in package["objects"]]
        types = {obj["type"] for _, _, obj in objects}
        self.assertTrue({"incident", "note", "task"} <= types, types)
        made_here = [(i, v) for i, v, obj in objects if obj.get("created_by_ref") == self.csirt]
        # The incident in several versions (opened, the CERT invited, its task listed), the
        # task, the CSIRT's state note.
        self.assertGreaterEqual(len(made_here), 4, objects)
        newest = {}
        for i, v in made_here:
            newest[i] = max(newest.get(i, v), v)
        for key in made_here:
            # Every version the push read has its decision: to which peer, the rule, the
            # reason.
            decided = decisions.get(key, [])
            self.assertTrue(decided, "no egress decision for %s %s: %s" % (key + (decisions,)))
            for d in decided:
                self.assertEqual((d["peer"], d["rule"]), ("cert-de", "egress-gate"), d)
                if d["decision"] == "sent":
                    self.assertEqual(d["reason"], "TLP:AMBER: named recipient %s lives on "
                                     "cert-de" % self.cert)
                else:  # the case as first stored names only its opener
                    self.assertEqual((d["decision"], d["reason"]),
                                     ("withheld", "TLP:AMBER: no named recipient lives on "
                                      "cert-de"))
            if newest[key[0]] == key[1]:
                self.assertIn("sent", [d["decision"] for d in decided], key)
            # The batch that stored it: made on this node by the CSIRT.
            batches = stored.get(key)
            self.assertTrue(batches, key)
            self.assertTrue(all(b["channel"] == "local" and b["submitter"] == "csirt-fr"
                                for b, _ in batches), batches)
        # The CERT's state note: stored as received from peer cert-de, and never sent back.
        received = [(i, v) for i, v, obj in objects if i == self.de_note]
        self.assertEqual(len(received), 1, objects)
        self.assertEqual([(b["channel"], b["submitter"]) for b, _ in stored[received[0]]],
                         [("peer", "cert-de")])
        withheld = decisions[received[0]]
        self.assertTrue(withheld)
        for d in withheld:
            self.assertEqual((d["decision"], d["peer"], d["rule"]),
                             ("withheld", "cert-de", "egress-gate"))
            self.assertIn("came from or through cert-de (provenance)", d["reason"])

    def test_cert_de_package_shows_what_came_from_cert_fr(self):
        path, package = self.packages["cert-de"]
        key = self.key_from_identity(self.de, self.de_token)
        r = self.verify(self.de, path, key)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("(the expected key)", r.stdout)
        # Not cert-fr's key: each node's package verifies only under its own.
        fr_key = self.key_from_identity(self.fr, self.fr_token)
        self.assertNotEqual(fr_key, key)
        self.assertEqual(self.verify(self.de, path, fr_key).returncode, 1)
        decisions, stored = self.custody(package)
        objects = [(o["id"], o["version"], json.loads(o["json"])) for o in package["objects"]]
        from_fr = [(i, v) for i, v, obj in objects if obj.get("created_by_ref") == self.csirt]
        self.assertGreaterEqual(len(from_fr), 4, objects)
        for k in from_fr:
            self.assertEqual({(b["channel"], b["submitter"]) for b, _ in stored[k]},
                             {("peer", "cert-fr")}, k)
        own = [(i, v) for i, v, obj in objects if i == self.de_note]
        self.assertEqual(len(own), 1)
        self.assertIn(("sent", "cert-fr", "egress-gate",
                       "TLP:AMBER: named recipient %s lives on cert-fr" % self.csirt),
                      [(d["decision"], d["peer"], d["rule"], d["reason"])
                       for d in decisions[own[0]]])

    def test_a_changed_peer_in_an_egress_entry_is_named(self):
        path, package = self.packages["cert-fr"]
        tampered = json.loads(json.dumps(package))
        for e in tampered["entries"]:
            if '"kind":"egress-decision"' in e["text"] and '"decision":"sent"' in e["text"]:
                e["text"] = e["text"].replace('"peer":"cert-de"', '"peer":"cert-at"')
                index = e["index"]
                break
        else:
            self.fail("no sent egress decision in the package")
        changed = os.path.join(self.tmp, "tampered.json")
        with open(changed, "w") as f:
            json.dump(tampered, f)
        r = self.verify(self.fr, changed, self.key_from_identity(self.fr, self.fr_token))
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("FAIL entry %d: the inclusion proof does not lead to the signed head's root"
                      % index, r.stdout)


if __name__ == "__main__":
    unittest.main()
