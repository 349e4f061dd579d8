"""Cases between two nodes (issue 15: "Invite other organisations and nodes to a case ...
keeps its own state on it ... everyone entitled sees everyone's state. Changes travel by
federation"; "a participant can only change its own state"; "a node cannot speak for an
organisation that does not live on it").

Node FR holds the national CSIRT, which opens a TLP:AMBER case and invites a CERT living
on node DE by its identity id; node DE also holds an organisation that is not invited.
Rounds are driven with `entente peer sync`. Checked on each node with `entente case show`
and by what each organisation's token reads over TAXII.
"""
import json
import os
import unittest
import uuid

from fedharness import FederationCase

CASE_EXT = "extension-definition--3b8a6e2c-4f0d-4f7e-9d5a-6c1e2b7a9f01"


class CasesBetweenNodes(FederationCase):
    def link(self, src, dst, dst_inbound_org, *extra):
        r = src.peer("add", dst.name, "--url", dst.url(), "--token",
                     dst.token(dst_inbound_org), "--jurisdiction", dst.jurisdiction,
                     "--push", "%s:%s" % (src.col, dst.col), *extra)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def sync(self, node, peer):
        rc, counts, err = node.sync(peer)
        self.assertEqual(rc, 0, err)
        return counts

    def case(self, node, *args):
        return node.cli("case", args[0], "--collection", node.col, *args[1:])

    def show(self, node, case_id, org):
        r = self.case(node, "show", case_id, "--as", org, "--json")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return json.loads(r.stdout)

    def taxii(self, node, org):
        status, body = node.request("GET", "/api/collections/%s/objects/" % node.col,
                                    node.token(org))
        self.assertEqual(status, 200, body)
        return {o["id"]: o for o in (body or {}).get("objects", [])}

    def setUp(self):
        super().setUp()
        fr = self.node("fr", "FR")
        de = self.node("de", "DE")
        fr.jurisdiction, de.jurisdiction = "FR", "DE"
        self.csirt = fr.org("csirt-fr")
        fr.org("bystander-fr")
        fr.org("from-de")
        fr.col = fr.collection("cases", ["csirt-fr", "bystander-fr", "from-de"],
                               ["csirt-fr", "from-de"])
        self.cert = de.org("cert-de")
        self.other = de.org("other-de")
        de.org("from-fr")
        de.col = de.collection("cases", ["cert-de", "other-de", "from-fr"],
                               ["cert-de", "other-de", "from-fr"])
        for n in (fr, de):
            n.start(extra=["--no-federation"])
        self.link(fr, de, "from-fr", "--local-org", "from-de", "--recipient", self.cert,
                  "--recipient", self.other)
        self.link(de, fr, "from-de", "--local-org", "from-fr", "--recipient", self.csirt)
        self.fr, self.de = fr, de

    def test_case_and_states_travel_and_readers_see_what_they_may(self):
        fr, de = self.fr, self.de
        r = self.case(fr, "open", "--as", "csirt-fr", "--name", "wiper in a grid operator",
                      "--rsit-class", "availability", "--rsit-type", "sabotage",
                      "--external-impact", "national-security", "--nis2-aware",
                      "2026-06-01T10:00:00Z", "--invite", self.cert)
        self.assertEqual(r.returncode, 0, r.stderr)
        case_id = r.stdout.strip()
        self.case(fr, "report", case_id, "early-warning", "--as", "csirt-fr", "--at",
                  "2026-06-01T20:00:00Z")
        self.sync(fr, "de")
        # The invited CERT sees the case, its impact and the NIS2 report on its own node.
        s = self.show(de, case_id, "cert-de")
        self.assertEqual(s["rsit_class"], "availability")
        self.assertEqual(s["external_impacts"], ["national-security"])
        self.assertEqual(s["nis2"]["early-warning"]["status"], "met")
        self.assertEqual([p["state"] for p in s["participants"]], ["invited", "invited"])
        # The organisation on the same node that was not invited: nothing, by CLI or TAXII.
        self.assertEqual(self.case(de, "show", case_id, "--as", "other-de").returncode, 1)
        self.assertEqual(self.taxii(de, "other-de"), {})
        seen = self.taxii(de, "cert-de")
        self.assertEqual(sorted(o["type"] for o in seen.values()),
                         ["impact", "incident", "report"])
        # The CERT acknowledges on its node; the state travels back.
        r = self.case(de, "state", case_id, "acknowledged", "--as", "cert-de", "--note",
                      "analysing the wiper sample")
        self.assertEqual(r.returncode, 0, r.stderr)
        # The uninvited organisation may not write a state (it cannot even see the case).
        self.assertEqual(self.case(de, "state", case_id, "closed", "--as", "other-de")
                         .returncode, 1)
        self.sync(de, "fr")
        s = self.show(fr, case_id, "csirt-fr")
        states = {p["identity"]: p for p in s["participants"]}
        self.assertEqual(states[self.cert]["state"], "acknowledged")
        self.assertEqual(states[self.cert]["timeline"][0]["text"], "analysing the wiper sample")
        # A bystander of the FR collection reads nothing of the case over TAXII.
        self.assertEqual(self.taxii(fr, "bystander-fr"), {})
        # The CSIRT's own state travels the other way, and the CERT sees both.
        self.case(fr, "state", case_id, "investigating", "--as", "csirt-fr")
        self.sync(fr, "de")
        s = self.show(de, case_id, "cert-de")
        self.assertEqual([p["state"] for p in s["participants"]],
                         ["investigating", "acknowledged"])

    def test_forged_states_from_a_peer_are_refused_or_ignored(self):
        fr, de = self.fr, self.de
        r = self.case(fr, "open", "--as", "csirt-fr", "--name", "phishing wave",
                      "--rsit-class", "fraud", "--rsit-type", "phishing",
                      "--invite", "%s,%s" % (self.cert, self.other))
        case_id = r.stdout.strip()
        self.sync(fr, "de")
        self.assertEqual(self.case(de, "state", case_id, "acknowledged", "--as", "cert-de")
                         .returncode, 0)
        note = [o for o in self.taxii(de, "other-de").values() if o["type"] == "note"][0]

        def forged(creator, participant, state):
            n = json.loads(json.dumps(note))
            n.update(id="note--" + str(uuid.uuid4()), created_by_ref=creator,
                     created="2026-06-02T00:00:00.000Z", modified="2026-06-02T00:00:00.000Z")
            n["extensions"][CASE_EXT].update(participant_ref=participant, state=state)
            return n

        # other-de claims, in its own name, to be the CERT closing the case: stored on DE
        # (valid STIX, its own object), travels, and is ignored on both nodes.
        de.ingest(de.col, "other-de", [forged(self.other, self.cert, "closed")], self.tmp)
        # other-de writes a state in the French CSIRT's name: DE stores it (a creator that
        # does not live on DE is accepted, as for a relayed report) but does not count it
        # (written on DE by other-de, not received from where the CSIRT lives), and FR
        # refuses it (the CSIRT does not live on DE: the ingress rule).
        impostor = forged(self.csirt, self.csirt, "closed")
        de.ingest(de.col, "other-de", [impostor], self.tmp)
        self.assertIn(impostor["id"], de.stored(de.col))
        self.sync(de, "fr")
        self.assertNotIn(impostor["id"], fr.stored(fr.col))
        for node, org in ((fr, "csirt-fr"), (de, "cert-de")):
            s = self.show(node, case_id, org)
            states = {p["identity"]: p["state"] for p in s["participants"]}
            self.assertEqual(states, {self.csirt: "invited", self.cert: "acknowledged",
                                      self.other: "invited"})
            self.assertTrue(any("created_by_ref" in i for i in s["ignored"]), s["ignored"])
        ignored_de = self.show(de, case_id, "cert-de")["ignored"]
        self.assertTrue(any(i.startswith(impostor["id"]) and "written on this node" in i
                            for i in ignored_de), ignored_de)


if __name__ == "__main__":
    unittest.main()
