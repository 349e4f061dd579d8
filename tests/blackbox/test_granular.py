"""Granular markings on every read path (issue 13): a reader receives each object with
exactly the parts it is entitled to, and an object that cannot be given without a part it
may not see is absent for it, exactly as if it had never been stored.

STIX 2.1 §7.2.3 ("Granular Markings") lets a producer apply a marking to parts of an object
through `selectors`; §7.2.3.1 ("Selector Syntax") defines a selector as a path to a
property, a list item (`[n]`) or a property nested inside them. entente applies the TLP
marking a granular marking names to the parts it selects with the rules of
docs/sharing-rules.md (TLP and the audience extension), the most restrictive marking
winning for each part, an unknown marking-definition counting as AMBER.

One node holds a corpus: every selector form (top-level property, list item, property of
a list item, a whole list, `kill_chain_phases.[0].phase_name`, `contents.de.description`
of a language-content, `pattern` and `object_refs` whose loss leaves the object invalid)
under every TLP marking (TLP 2.0 and 1.0 ids, the OpenCTI AMBER+STRICT id, an unknown
marking), plus overlapping selectors, markings on `id` and `type`, an object without an
audience, an AMBER object with a RED part and an object with several versions. Readers of
every kind (the owner, a named individual, its organisation, a declared client of that
organisation, a trust-community member, an outsider, an outsider's individual) read it
through objects/ (whole, paged with limit=1, match[id]), objects/{id}/, versions/,
manifest/ and `entente export --as/--token`; what each must get comes from
granular_model.py (never from the server), and every secret text a reader may not see is
looked for in every body and header it receives. GranularIngestTest repeats every check on
the same corpus stored by `entente ingest`. Bad input (§7.2.3.1: selectors "MUST refer to
properties or list items that are actually present on the marked object") is refused at
POST with the rule named.
"""
import calendar
import json
import os
import re
import shutil
import tempfile
import time
import unittest
import urllib.parse
import uuid

import granular_model as model
import harness
from harness import AUDIENCE_EXT, TLP

ID = {
    "own": "identity--0c000000-0000-4000-8000-000000000001",
    "rec": "identity--0c000000-0000-4000-8000-000000000002",
    "cli": "identity--0c000000-0000-4000-8000-000000000003",
    "com": "identity--0c000000-0000-4000-8000-000000000004",
    "oth": "identity--0c000000-0000-4000-8000-000000000005",
}
PERSON = "identity--0d000000-0000-4000-8000-000000000001"  # works at rec
PERSON_OTH = "identity--0d000000-0000-4000-8000-000000000002"  # works at oth
# organisation -> (trust communities, client of)
ORGS = {"own": ([], None), "rec": (["isac"], None), "cli": ([], "rec"),
        "com": (["isac"], None), "oth": (["eu"], None)}
# reader -> (organisation, individual)
READERS = {
    "owner": ("own", None),
    "individual": ("rec", PERSON),
    "recipient": ("rec", None),
    "client": ("cli", None),
    "community": ("com", None),
    "outsider": ("oth", None),
    "outsider-individual": ("oth", PERSON_OTH),
}
AUDIENCE = {"communities": ["isac"], "recipients": [ID["rec"]], "individuals": [PERSON]}

# The marking axis: name -> (marking-definition id, the TLP level it stands for).
MARKS = {
    "clear": (TLP["clear"], "clear"),
    "white1": ("marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", "clear"),
    "green": (TLP["green"], "green"),
    "green1": ("marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", "green"),
    "amber": (TLP["amber"], "amber"),
    "amber1": ("marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", "amber"),
    "amber+strict": (TLP["amber+strict"], "amber+strict"),
    "amber+strict-opencti": ("marking-definition--826578e1-40ad-459f-bc73-ede076f81f37",
                             "amber+strict"),
    "red": (TLP["red"], "red"),
    "red1": ("marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", "red"),
    # An id that is no TLP marking: counts as AMBER (docs/sharing-rules.md, "an unknown
    # marking never widens access").
    "unknown": ("marking-definition--0badc0de-0000-4000-8000-00000000beef", "amber"),
}
NEVER = "indicator--" + str(uuid.uuid4())
T0 = "2024-01-01T00:00:00.000Z"


def sees(reader, level, audience):
    """docs/sharing-rules.md, "Reading on this node", for an object labelled `level`."""
    org, person = READERS[reader]
    if org == "own":
        return True
    communities, client_of = ORGS[org]
    if level == "clear":
        return True
    if level == "green":
        named = audience.get("communities", [])
        return not named or bool(set(named) & set(communities))
    if level in ("amber", "amber+strict"):
        named = audience.get("recipients", [])
        return ID[org] in named or (level == "amber" and client_of is not None
                                    and ID[client_of] in named)
    return person is not None and person in audience.get("individuals", [])


def secret():
    return "gsec" + uuid.uuid4().hex[:12]


def base(kind, audience=AUDIENCE, level_ref=TLP["clear"], **props):
    obj = {"type": kind, "spec_version": "2.1", "id": kind + "--" + str(uuid.uuid4()),
           "created": T0, "modified": T0, "created_by_ref": ID["own"]}
    if level_ref:
        obj["object_marking_refs"] = [level_ref]
    if audience:
        ext = {"extension_type": "property-extension"}
        ext.update(audience)
        obj["extensions"] = {AUDIENCE_EXT: ext}
    obj.update(props)
    return obj


def indicator(**props):
    fields = {"name": "granular " + uuid.uuid4().hex[:6],
              "pattern": "[domain-name:value = 'plain.example']", "pattern_type": "stix",
              "valid_from": "2024-01-01T00:00:00Z"}
    fields.update(props)
    return base("indicator", **fields)


def gm(ref, *selectors):
    return {"marking_ref": ref, "selectors": list(selectors)}


def lang(tag, *selectors):
    return {"lang": tag, "selectors": list(selectors)}


# --- the selector forms: marking ref -> object (each puts a fresh secret in its part) ---
def form_top_level(ref):
    return indicator(description=secret(),
                     granular_markings=[gm(ref, "description"), lang("en", "description")])


def form_list_item(ref):
    # The item after the marked one moves down: its CLEAR marking's selector must follow.
    return indicator(external_references=[
        {"source_name": "a", "description": "first"},
        {"source_name": "b", "external_id": secret()},
        {"source_name": "c", "external_id": "x-3", "description": "third"}],
        granular_markings=[gm(ref, "external_references.[1]"),
                           gm(TLP["clear"], "external_references.[2].external_id"),
                           lang("en", "external_references.[2].description")])


def form_nested_in_item(ref):
    return indicator(external_references=[
        {"source_name": "a", "url": "https://example.org/" + secret(), "description": "d"},
        {"source_name": "b", "external_id": "x-2"}],
        granular_markings=[gm(ref, "external_references.[0].url")])


def form_phase_name(ref):
    # Without phase_name the kill chain phase breaks STIX 2.1 §2.6 (phase_name is
    # required): a reader who may not see it is not given the object at all.
    return indicator(kill_chain_phases=[{"kill_chain_name": "lockheed-martin-cyber-kill-chain",
                                         "phase_name": secret()}],
                     granular_markings=[gm(ref, "kill_chain_phases.[0].phase_name")])


def form_whole_list(ref):
    return indicator(kill_chain_phases=[
        {"kill_chain_name": "lockheed-martin-cyber-kill-chain", "phase_name": secret()},
        {"kill_chain_name": "lockheed-martin-cyber-kill-chain", "phase_name": secret()}],
        labels=["kept"],
        granular_markings=[gm(ref, "kill_chain_phases"), lang("en", "kill_chain_phases.[1]"),
                           gm(TLP["clear"], "labels")])


def form_language_content(ref):
    return base("language-content", object_ref=NEVER, object_modified=T0,
                contents={"de": {"description": secret(), "name": "Name"},
                          "fr": {"description": "texte"}},
                granular_markings=[gm(ref, "contents.de.description"),
                                   lang("de", "contents.de.name")])


def form_pattern(ref):
    # pattern is required (STIX 2.1 §4.7): withheld from a reader who may not see it.
    return indicator(pattern="[domain-name:value = '%s.example']" % secret(),
                     granular_markings=[gm(ref, "pattern")])


def form_report_refs(ref):
    # object_refs is required (STIX 2.1 §4.13): likewise withheld.
    return base("report", name="r", published="2024-01-01T00:00:00Z",
                description=secret(), object_refs=[NEVER],
                granular_markings=[gm(ref, "object_refs", "description")])


FORMS = {
    "top-level": form_top_level,
    "list-item": form_list_item,
    "nested-in-item": form_nested_in_item,
    "phase-name": form_phase_name,
    "whole-list": form_whole_list,
    "language-content": form_language_content,
    "pattern": form_pattern,
    "report-object-refs": form_report_refs,
}


def special_objects():
    """name -> list of versions (dicts), oldest first."""
    out = {}
    # `lang` entries restrict nothing (§7.2.3: `lang` says what language the selected
    # text is in): everyone who sees the object gets it whole.
    out["lang-only"] = [indicator(description=secret(),
                                  granular_markings=[lang("fr", "description"),
                                                     lang("en", "name", "pattern")])]
    # Overlapping selectors: the most restrictive marking wins for each part.
    out["overlap-same-part"] = [indicator(description=secret(), granular_markings=[
        gm(TLP["green"], "description"), gm(TLP["red"], "description")])]
    out["overlap-container-stricter"] = [indicator(external_references=[
        {"source_name": "a", "url": "https://example.org/" + secret()}],
        granular_markings=[gm(TLP["amber"], "external_references"),
                           gm(TLP["clear"], "external_references.[0].url")])]
    out["overlap-inner-stricter"] = [indicator(external_references=[
        {"source_name": "a", "url": "https://example.org/" + secret(), "description": "d"}],
        granular_markings=[gm(TLP["green"], "external_references"),
                           gm(TLP["red"], "external_references.[0].url")])]
    # §7.2.3.1 does not exempt id or type from selectors; a copy without its id or type
    # is no object, so a reader who may not see them is not given it.
    out["id-amber"] = [indicator(description=secret(),
                                 granular_markings=[gm(TLP["amber"], "id")])]
    out["type-red"] = [indicator(description=secret(),
                                 granular_markings=[gm(TLP["red"], "type")])]
    out["modified-green"] = [indicator(granular_markings=[gm(TLP["green"], "modified")])]
    # What decides who may see the object is itself a part no reader may lose: marking
    # the audience, the markings or object_marking_refs withholds the object from readers
    # who may not see that marking (a copy without them would read as less restricted).
    out["audience-communities-green"] = [indicator(description=secret(), granular_markings=[
        gm(TLP["green"], "extensions.%s.communities" % AUDIENCE_EXT)])]
    out["granular-markings-amber"] = [indicator(description=secret(), granular_markings=[
        gm(TLP["amber"], "granular_markings")])]
    out["object-marking-refs-red"] = [indicator(description=secret(), granular_markings=[
        gm(TLP["red"], "object_marking_refs.[0]")])]
    # A custom property, and a property inside another extension: removed like any other.
    out["custom-property-red"] = [indicator(x_entente_note=secret(), granular_markings=[
        gm(TLP["red"], "x_entente_note")])]
    other = "extension-definition--5a5a5a5a-0000-4000-8000-000000000001"
    obj = indicator(granular_markings=[gm(TLP["amber+strict"], "extensions.%s.note" % other)])
    obj["extensions"][other] = {"extension_type": "property-extension", "note": secret(),
                                "kept": "yes"}
    out["other-extension-strict"] = [obj]
    # No audience: a GREEN part is shared with every reader of the collection, an AMBER
    # part with nobody but the owner.
    out["no-audience"] = [indicator(audience=None, description=secret(),
                                    external_references=[{"source_name": "a",
                                                          "external_id": secret()}],
                                    granular_markings=[gm(TLP["green"], "description"),
                                                       gm(TLP["amber"],
                                                          "external_references.[0]")])]
    # An AMBER object with a GREEN part: the object's marking applies to the part too
    # (§7.2.3), so the recipient's client, outside the community, reads the part with the
    # object.
    out["amber-object-green-part"] = [indicator(level_ref=TLP["amber"], description=secret(),
                                                granular_markings=[gm(TLP["green"],
                                                                      "description")])]
    # An AMBER object with a RED part: granular markings only narrow.
    out["amber-object-red-part"] = [indicator(level_ref=TLP["amber"], description=secret(),
                                              granular_markings=[gm(TLP["red"], "description")])]
    # Emptied lists: a list whose only item is hidden goes as a whole (STIX 2.1 §3.2
    # forbids empty lists); when that list is required (a report's object_refs, §4.13),
    # the object is withheld.
    out["labels-only-item-red"] = [indicator(labels=[secret()], granular_markings=[
        gm(TLP["red"], "labels.[0]")])]
    out["report-refs-items-amber"] = [base(
        "report", name="r", published="2024-01-01T00:00:00Z",
        object_refs=["indicator--" + str(uuid.uuid4()), "indicator--" + str(uuid.uuid4())],
        granular_markings=[gm(TLP["amber"], "object_refs.[1]"),
                           gm(TLP["amber"], "object_refs.[0]")])]
    out["report-refs-one-item-amber"] = [base(
        "report", name="r", published="2024-01-01T00:00:00Z",
        object_refs=["indicator--" + str(uuid.uuid4()), NEVER],
        granular_markings=[gm(TLP["amber"], "object_refs.[0]"),
                           gm(TLP["clear"], "object_refs.[1]")])]
    # An SCO: a marked optional property is removed; its required `value` withholds it.
    out["sco-display-name-red"] = [{
        "type": "email-addr", "spec_version": "2.1",
        "id": "email-addr--" + str(uuid.uuid4()), "value": "a@example.org",
        "display_name": secret(), "object_marking_refs": [TLP["clear"]],
        "extensions": {AUDIENCE_EXT: dict(AUDIENCE, extension_type="property-extension")},
        "granular_markings": [gm(TLP["red"], "display_name")]}]
    out["sco-value-amber"] = [{
        "type": "email-addr", "spec_version": "2.1",
        "id": "email-addr--" + str(uuid.uuid4()), "value": secret() + "@example.org",
        "object_marking_refs": [TLP["clear"]],
        "extensions": {AUDIENCE_EXT: dict(AUDIENCE, extension_type="property-extension")},
        "granular_markings": [gm(TLP["amber"], "value")]}]
    # The oldest version is withheld: match[version]=first gives the oldest one given.
    w1 = indicator(pattern="[domain-name:value = '%s.example']" % secret(),
                   granular_markings=[gm(TLP["amber+strict"], "pattern")])
    out["versions-first-withheld"] = [w1, dict(w1, modified="2024-02-01T00:00:00.000Z",
                                               pattern="[domain-name:value = 'b.example']",
                                               granular_markings=[gm(TLP["green"], "name")])]
    # Granular markings only narrow: a CLEAR part of a RED object is the RED object's.
    out["red-object-clear-part"] = [indicator(level_ref=TLP["red"], description=secret(),
                                              granular_markings=[gm(TLP["clear"],
                                                                    "description")])]
    # No object_marking_refs: the object takes the collection's default (CLEAR here), its
    # parts their own markings.
    out["collection-default-amber-part"] = [indicator(level_ref=None, description=secret(),
                                                      granular_markings=[gm(TLP["amber"],
                                                                            "description")])]
    # Versions: v2 loses a RED description, v3 would lose its pattern (withheld): whoever
    # may not see RED gets v2 as the newest version and never hears of v3.
    v1 = indicator(description="plain")
    v2 = dict(v1, modified="2024-02-01T00:00:00.000Z", description=secret(),
              granular_markings=[gm(TLP["red"], "description")])
    v3 = dict(v1, modified="2024-03-01T00:00:00.000Z",
              pattern="[domain-name:value = '%s.example']" % secret(),
              granular_markings=[gm(TLP["red"], "pattern")])
    out["versions"] = [v1, v2, v3]
    return out


def level_of_object(obj):
    levels = [model.level_of(r) for r in obj.get("object_marking_refs", [])]
    out = "clear"  # also the collection's default TLP (setUpClass)
    for lv in levels:
        out = model.most_restrictive(out, lv)
    return out


def audience_of(obj):
    return obj.get("extensions", {}).get(AUDIENCE_EXT, {})


def expected_view(reader, obj):
    """What `reader` receives of one stored version (None: absent for it)."""
    aud = audience_of(obj)
    if not sees(reader, level_of_object(obj), aud):
        return None
    return model.view(obj, lambda level: sees(reader, level, aud), level_of_object(obj))


def comparable(r):
    return (r.status, {k: v for k, v in r.headers.items() if k != "date"}, r.body)


class GranularTest(unittest.TestCase):
    """The corpus POSTed over TAXII."""
    via_ingest = False

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="entente-granular-")
        cls.node = n = harness.Node(cls.tmp)
        for org, (communities, client_of) in ORGS.items():
            args = ["--identity", ID[org]]
            for c in communities:
                args += ["--community", c]
            if client_of:
                args += ["--client-of", client_of]
            n.add_org(org, *args)
        cls.coll = n.collection("granular", read=list(ORGS), write=["own"], tlp="clear")
        cls.tokens, cls.token_ids = {}, {}
        for reader, (org, person) in READERS.items():
            label = "bb-" + reader
            cls.tokens[reader] = n.token(org, "--label", label,
                                         *(["--individual", person] if person else []))
            rows = [line.split() for line in n.ok("token", "list").splitlines()
                    if label in line.split()]
            assert len(rows) == 1, rows
            cls.token_ids[reader] = rows[0][0]
        n.start()
        cls.corpus = {}  # name -> versions
        for form, make in FORMS.items():
            for mark, (ref, _) in MARKS.items():
                cls.corpus["%s/%s" % (form, mark)] = [make(ref)]
        cls.corpus.update(special_objects())
        batch = [v for versions in cls.corpus.values() for v in versions]
        if cls.via_ingest:
            path = os.path.join(cls.tmp, "corpus.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump({"type": "bundle", "id": "bundle--" + str(uuid.uuid4()),
                           "objects": batch}, f)
            n.ok("ingest", "--collection", cls.coll, "--as", "own", "--no-progress", path)
        else:
            st = cls.post("owner", batch)
            assert st["success_count"] == len(batch), st
        cls.by_id = {vs[0]["id"]: vs for vs in cls.corpus.values()}
        # The date_added of every version, as the owner (who sees all) reads it.
        cls.added = {}
        query = "manifest/?match[version]=all"
        while True:
            r = n.request("GET", cls.path(query), token=cls.tokens["owner"])
            assert r.status == 200, r
            doc = r.json()
            cls.added.update({(e["id"], harness.instant(e["version"])): e["date_added"]
                              for e in doc["objects"]})
            if not doc.get("more"):
                break
            query = "manifest/?match[version]=all&next=" + doc["next"]
        assert len(cls.added) == len(batch), len(cls.added)
        cls.secrets = set(re.findall(r"gsec[0-9a-f]{12}", json.dumps(batch)))
        cls.forbidden_cache = {}

    @classmethod
    def tearDownClass(cls):
        cls.node.kill()
        shutil.rmtree(cls.tmp, True)

    # --- helpers -----------------------------------------------------------------------
    @classmethod
    def path(cls, rest):
        return "/api/collections/%s/%s" % (cls.coll, rest)

    @classmethod
    def post(cls, reader, objects):
        r = cls.node.request("POST", cls.path("objects/"), token=cls.tokens[reader],
                             body={"objects": objects})
        assert r.status == 202, r
        st = r.json()
        if st["status"] != "complete":
            st = harness.wait_status(cls.node, cls.tokens[reader], "/api/status/%s/" % st["id"])
        return st

    def expected(self, reader):
        """id -> the list of versions `reader` may be given, each as it must receive it."""
        out = {}
        for oid, versions in self.by_id.items():
            given = [x for x in (expected_view(reader, v) for v in versions) if x is not None]
            if given:
                out[oid] = given
        return out

    def forbidden(self, reader):
        allowed = json.dumps(list(self.expected(reader).values()))
        return {s for s in self.secrets if s not in allowed}

    def get(self, reader, rest):
        """One GET as `reader`; fails when a secret it may not see is in the answer."""
        r = self.node.request("GET", self.path(rest), token=self.tokens[reader])
        self.assert_no_leak(reader, rest, r.body.decode("utf-8", "replace") +
                            json.dumps(r.headers))
        return r

    def every(self, reader, rest):
        """Every entry of a list route, following `next` (TAXII 2.1 §3.5, pagination)."""
        out, query = [], rest
        for _ in range(100):
            r = self.get(reader, query)
            self.assertEqual(r.status, 200, (reader, query, r))
            doc = r.json()
            out.extend(doc.get("objects", []))
            if not doc.get("more"):
                return out
            query = rest + ("&" if "?" in rest else "?") + "next=" + doc["next"]
        self.fail("paging did not end")

    def assert_no_leak(self, reader, where, text):
        for s in self.forbidden_cache[reader]:
            at = text.find(s)
            if at >= 0:
                self.fail("%s is given a part it may not see through %s: ...%s..." %
                          (reader, where, text[max(0, at - 200):at + 40]))

    def setUp(self):
        # Per class: each class posts a corpus of its own, with secrets of its own.
        if not self.forbidden_cache:
            type(self).forbidden_cache = {r: self.forbidden(r) for r in READERS}

    def assert_objects(self, reader, objects, want, where):
        got = {}
        for o in objects:
            self.assertNotIn(o["id"], got, "%s: %s given twice" % (where, o["id"]))
            got[o["id"]] = o
        self.assertEqual(sorted(got), sorted(want), "%s: %s" % (reader, where))
        for oid, obj in got.items():
            self.assertEqual(obj, want[oid], "%s: %s of %s (%s)" % (
                reader, where, oid, self.name_of(oid)))

    def version_of(self, obj):
        """The version TAXII shows: `modified`, or for an object without it (an SCO) its
        date_added (docs/sharing-rules.md, "Writing on this node")."""
        if "modified" in obj:
            return obj["modified"]
        return next(added for (oid, _), added in self.added.items() if oid == obj["id"])

    def name_of(self, oid):
        return next(k for k, vs in self.corpus.items() if vs[0]["id"] == oid)

    # --- the tests ---------------------------------------------------------------------
    def test_model_matches_the_sharing_rules_table(self):
        # docs/sharing-rules.md, "Reading on this node", for the corpus' audience: the
        # levels each reader may see parts of.
        want = {
            "owner": {"clear", "green", "amber", "amber+strict", "red"},
            "individual": {"clear", "green", "amber", "amber+strict", "red"},
            "recipient": {"clear", "green", "amber", "amber+strict"},
            "client": {"clear", "amber"},
            "community": {"clear", "green"},
            "outsider": {"clear"},
            "outsider-individual": {"clear"},
        }
        for reader in READERS:
            self.assertEqual({lv for lv in model.LEVELS if sees(reader, lv, AUDIENCE)},
                             want[reader], reader)
        # and the corpus discriminates: each reader is given a different set of parts
        # (only the outsider's individual, named nowhere, sees what its organisation sees)
        views = {r: json.dumps(self.expected(r), sort_keys=True) for r in READERS}
        self.assertEqual(views["outsider"], views["outsider-individual"])
        self.assertEqual(len(set(views.values())), len(READERS) - 1)

    def test_list_route_gives_each_reader_exactly_its_parts(self):
        for reader in READERS:
            want = {oid: vs[-1] for oid, vs in self.expected(reader).items()}
            self.assert_objects(reader, self.every(reader, "objects/"), want, "objects/")
            got = sorted(json.dumps(o, sort_keys=True)
                         for o in self.every(reader, "objects/?match[version]=all"))
            every = sorted(json.dumps(x, sort_keys=True)
                           for vs in self.expected(reader).values() for x in vs)
            self.assertEqual(got, every, "%s: objects/?match[version]=all" % reader)
            # TAXII 2.1 §3.4.1: "first" is the oldest version, here the oldest it may see.
            self.assert_objects(reader, self.every(reader, "objects/?match[version]=first"), {
                oid: vs[0] for oid, vs in self.expected(reader).items()},
                "objects/?match[version]=first")

    def test_paging_with_limit_1_tells_only_rows_given(self):
        # TAXII 2.1 §3.5 (pagination): X-TAXII-Date-Added-First/-Last are the date_added of
        # the first and last object of the page; entente's `next` is the last one's. With
        # limit=1 every cursor and header is the date_added of the one row given.
        for reader in READERS:
            exp = self.expected(reader)
            for route, query, want in (
                    ("objects/", "", {oid: vs[-1] for oid, vs in exp.items()}),
                    ("objects/", "match[version]=all",
                     [x for vs in exp.values() for x in vs]),
                    ("manifest/", "", {oid: vs[-1] for oid, vs in exp.items()})):
                rows = self.page_by_one(reader, route, query)
                if route == "manifest/":
                    self.assertEqual(
                        sorted((e["id"], harness.instant(e["version"])) for e in rows),
                        sorted((oid, harness.instant(self.version_of(x)))
                               for oid, x in want.items()), reader)
                elif isinstance(want, dict):
                    self.assert_objects(reader, rows, want, route + "?limit=1")
                else:
                    self.assertEqual(sorted(json.dumps(o, sort_keys=True) for o in rows),
                                     sorted(json.dumps(o, sort_keys=True) for o in want),
                                     (reader, route, query))

    def page_by_one(self, reader, route, query):
        rows, cursor = [], None
        for _ in range(len(self.added) + 2):
            q = route + "?limit=1" + ("&" + query if query else "") + (
                "&next=" + urllib.parse.quote(cursor, safe="") if cursor else "")
            r = self.get(reader, q)
            self.assertEqual(r.status, 200, r)
            doc = r.json()
            page = doc.get("objects", [])
            self.assertEqual(len(page), 1, (reader, q, r))
            row = page[0]
            version = row["version"] if route == "manifest/" else self.version_of(row)
            added = self.added[(row["id"], harness.instant(version))]
            if route == "manifest/":
                self.assertEqual(harness.instant(row["date_added"]), harness.instant(added))
            for h in ("x-taxii-date-added-first", "x-taxii-date-added-last"):
                self.assertEqual(harness.instant(r.headers[h]), harness.instant(added),
                                 (reader, q, h))
            rows.append(row)
            if not doc.get("more"):
                self.assertNotIn("next", doc)
                return rows
            cursor = doc["next"]
            self.assertEqual(cursor[1:], str(self.micros(added)), (reader, q, "next"))
        self.fail("paging did not end")

    @staticmethod
    def micros(ts):
        b, frac = harness.instant(ts)
        return calendar.timegm(time.strptime(b, "%Y-%m-%dT%H:%M:%S")) * 1000000 + frac

    def test_object_routes_and_withheld_ones_answer_like_never_stored(self):
        never = "indicator--" + str(uuid.uuid4())
        routes = ["objects/%s/", "objects/%s/versions/", "objects/?match[id]=%s",
                  "manifest/?match[id]=%s", "objects/%s/?match[version]=all"]
        for reader in READERS:
            exp = self.expected(reader)
            absent = {route: comparable(self.get(reader, route % never)) for route in routes}
            for oid, versions in self.by_id.items():
                name = self.name_of(oid)
                if oid not in exp:
                    for route in routes:
                        self.assertEqual(comparable(self.get(reader, route % oid)),
                                         absent[route],
                                         "%s tells %s the withheld %s from one never stored"
                                         % (route, reader, name))
                    continue
                r = self.get(reader, "objects/%s/" % oid)
                self.assertEqual(r.status, 200, (reader, name, r))
                self.assertEqual(r.json()["objects"], [exp[oid][-1]], (reader, name))
                r = self.get(reader, "objects/?match[id]=%s" % oid)
                self.assertEqual(r.json()["objects"], [exp[oid][-1]], (reader, name))
                r = self.get(reader, "objects/%s/?match[version]=all" % oid)
                self.assertEqual(r.json()["objects"], exp[oid], (reader, name))
                r = self.get(reader, "objects/%s/versions/" % oid)
                self.assertEqual([harness.instant(x) for x in r.json()["versions"]],
                                 [harness.instant(self.version_of(x)) for x in exp[oid]],
                                 (reader, name))
                r = self.get(reader, "manifest/?match[id]=%s" % oid)
                self.assertEqual([harness.instant(e["version"]) for e in r.json()["objects"]],
                                 [harness.instant(self.version_of(exp[oid][-1]))], (reader, name))

    def test_a_withheld_version_answers_like_a_version_never_stored(self):
        # TAXII 2.1 §3.4.1 match[version] with a timestamp: v3 of "versions" is withheld
        # from whoever may not see its RED pattern; asking for it by its version tells
        # nothing more than asking for a version that was never stored.
        oid = self.corpus["versions"][0]["id"]
        for reader in READERS:
            answers = []
            for ver in ("2024-03-01T00:00:00.000Z", "2024-04-01T00:00:00.000Z"):
                answers.append([comparable(self.get(reader, rest % (oid, ver))) for rest in (
                    "objects/%s/?match[version]=%s", "objects/?match[id]=%s&match[version]=%s",
                    "manifest/?match[id]=%s&match[version]=%s")])
            if sees(reader, "red", AUDIENCE):
                self.assertNotEqual(answers[0], answers[1], reader)
            else:
                self.assertEqual(answers[0], answers[1], reader)

    def test_manifest_lists_exactly_the_objects_given(self):
        for reader in READERS:
            got = {e["id"]: harness.instant(e["version"]) for e in self.every(reader, "manifest/")}
            want = {oid: harness.instant(self.version_of(vs[-1]))
                    for oid, vs in self.expected(reader).items()}
            self.assertEqual(got, want, reader)

    def test_export_gives_what_the_tokens_are_given(self):
        # `entente export --as ORG` shows what ORG's tokens see, `--token` what one token
        # sees, its individual included (docs/sharing-rules.md).
        for reader, (org, person) in READERS.items():
            args = ["--token", self.token_ids[reader]] if person else ["--as", org]
            for extra in ([], ["--all-versions"]):
                out = self.node.ok("export", "--collection", self.coll, *(args + extra))
                self.assert_no_leak(reader, "export " + " ".join(args + extra), out)
                objects = json.loads(out)["objects"]
                if extra:
                    got = sorted(json.dumps(o, sort_keys=True) for o in objects)
                    want = sorted(json.dumps(x, sort_keys=True)
                                  for vs in self.expected(reader).values() for x in vs)
                    self.assertEqual(got, want, (reader, extra))
                else:
                    self.assert_objects(reader, objects, {
                        oid: vs[-1] for oid, vs in self.expected(reader).items()}, "export")
        # The local operator (no --as) reads everything, whole.
        objects = json.loads(self.node.ok("export", "--collection", self.coll))["objects"]
        self.assertEqual(sorted(json.dumps(o, sort_keys=True) for o in objects),
                         sorted(json.dumps(vs[-1], sort_keys=True)
                                for vs in self.by_id.values()))

    def test_owner_gets_every_object_whole(self):
        got = self.every("owner", "objects/?match[version]=all")
        self.assertEqual(sorted(json.dumps(o, sort_keys=True) for o in got),
                         sorted(json.dumps(v, sort_keys=True)
                                for vs in self.by_id.values() for v in vs))
        self.assertEqual(self.forbidden_cache["owner"], set())

    def test_list_item_removal_renumbers_what_follows(self):
        # Written out by hand rather than by the model: the community member may not see
        # the AMBER item [1]; item [2] becomes [1], and so do the selectors naming it.
        obj = self.corpus["list-item/amber"][0]
        r = self.get("community", "objects/%s/" % obj["id"])
        want = {k: val for k, val in obj.items() if k not in ("external_references",
                                                              "granular_markings")}
        want["external_references"] = [obj["external_references"][0],
                                       obj["external_references"][2]]
        want["granular_markings"] = [gm(TLP["clear"], "external_references.[1].external_id"),
                                     lang("en", "external_references.[1].description")]
        self.assertEqual(r.json()["objects"], [want])
        # The recipient may: it gets the object as stored.
        r = self.get("recipient", "objects/%s/" % obj["id"])
        self.assertEqual(r.json()["objects"], [obj])

    def test_audience_extension_applies_to_parts(self):
        # A granular AMBER+STRICT part: the named recipient organisation only (not its
        # declared client, not a community member); a granular AMBER part: its client too;
        # a RED part: the named individual's token only, not its organisation's others.
        def has_secret(reader, key):
            obj = self.corpus[key][0]
            r = self.get(reader, "objects/%s/" % obj["id"])
            self.assertEqual(r.status, 200, (reader, key, r))
            return obj["description"] in r.body.decode()

        got = {(reader, key): has_secret(reader, key) for reader in READERS
               for key in ("top-level/amber+strict", "top-level/amber", "top-level/red",
                           "top-level/unknown", "top-level/green")}
        strict = {r for r in READERS if got[(r, "top-level/amber+strict")]}
        self.assertEqual(strict, {"owner", "recipient", "individual"})
        amber = {r for r in READERS if got[(r, "top-level/amber")]}
        self.assertEqual(amber, {"owner", "recipient", "individual", "client"})
        self.assertEqual({r for r in READERS if got[(r, "top-level/unknown")]}, amber)
        self.assertEqual({r for r in READERS if got[(r, "top-level/red")]},
                         {"owner", "individual"})
        self.assertEqual({r for r in READERS if got[(r, "top-level/green")]},
                         {"owner", "recipient", "individual", "community"})

    def test_marking_on_id_or_type_withholds_the_object(self):
        # STIX 2.1 §7.2.3.1 lets a selector name any property of the object; it does not
        # exempt `id` or `type`. A copy without them is no STIX object, so a reader who may
        # not see that marking is not given the object: the object routes answer as for an
        # id never stored; a reader who may gets it whole, markings included.
        never = "indicator--" + str(uuid.uuid4())
        for key, allowed in (("id-amber", {"owner", "individual", "recipient", "client"}),
                             ("type-red", {"owner", "individual"})):
            obj = self.corpus[key][0]
            for reader in READERS:
                r = self.get(reader, "objects/%s/" % obj["id"])
                if reader in allowed:
                    self.assertEqual(r.json()["objects"], [obj], (key, reader))
                else:
                    self.assertEqual(comparable(r), comparable(
                        self.get(reader, "objects/%s/" % never)), (key, reader))

    def test_selector_that_names_nothing_is_refused(self):
        # STIX 2.1 §7.2.3.1: selectors MUST refer to properties or list items actually
        # present on the marked object. Each is a failure of its own, naming the rule.
        ext = [{"source_name": "a", "url": "https://example.org/"}]
        bad = {
            "absent property": indicator(granular_markings=[gm(TLP["red"], "description")]),
            "index past the end": indicator(external_references=ext, granular_markings=[
                gm(TLP["red"], "external_references.[1]")]),
            "absent property of an item": indicator(external_references=ext,
                                                    granular_markings=[gm(
                                                        TLP["red"],
                                                        "external_references.[0].nope")]),
            # The OASIS validator (v21/musts.py marking_selector_syntax) lets "[0]" index a
            # string and reads "[0]x" as "[0]"; neither names a list item of the object.
            "step into a string": indicator(granular_markings=[gm(TLP["amber"],
                                                                  "name.[0]")]),
            "index with a tail": indicator(external_references=ext, granular_markings=[
                gm(TLP["red"], "external_references.[0]x")]),
            "no dot before an index": indicator(external_references=ext, granular_markings=[
                gm(TLP["red"], "external_references[0]")]),
            "lang entry": indicator(granular_markings=[lang("en", "description")]),
        }
        st = self.post("owner", list(bad.values()))
        self.assertEqual((st["success_count"], st["failure_count"]), (0, len(bad)), st)
        for failure in st["failures"]:
            self.assertIn("granular-selector", failure["message"], failure)
        for obj in bad.values():
            r = self.get("owner", "objects/%s/" % obj["id"])
            self.assertEqual(r.status, 404, r)

    def test_malformed_granular_markings_are_refused_with_their_rule(self):
        # STIX 2.1 §7.2.3 (granular-marking type): `lang` and `marking_ref` - one of them
        # MUST be present and never both; `selectors` is required and a list; marking_ref
        # is the id of a marking-definition; §3.2: no empty lists.
        cases = [
            ("granular-marking", [{"marking_ref": TLP["red"], "lang": "en",
                                   "selectors": ["description"]}]),
            ("granular-marking", [{"selectors": ["description"]}]),
            ("ref-type", [{"marking_ref": "identity--" + str(uuid.uuid4()),
                           "selectors": ["description"]}]),
            ("empty-list", [{"marking_ref": TLP["red"], "selectors": []}]),
            ("required-property", [{"marking_ref": TLP["red"]}]),
            ("empty-list", []),
            ("granular-selector", [gm(TLP["red"], "description.")]),
            ("granular-selector", [gm(TLP["red"], "")]),
        ]
        objs = [indicator(description=secret(), granular_markings=g) for _, g in cases]
        st = self.post("owner", objs)
        self.assertEqual((st["success_count"], st["failure_count"]), (0, len(cases)), st)
        by_id = {f["id"]: f["message"] for f in st["failures"]}
        for (rule, _), obj in zip(cases, objs):
            self.assertIn(rule, by_id[obj["id"]])
            self.assertIn("granular_markings", by_id[obj["id"]])

    def test_removed_parts_never_reach_a_response(self):
        # Each of the other tests already fails on a leak; this one asks every route once
        # more as every reader and checks that each reader is denied something.
        for reader in READERS:
            if reader not in ("owner", "individual"):
                self.assertTrue(self.forbidden_cache[reader], reader)
            for rest in ("objects/", "objects/?match[version]=all", "manifest/",
                         "manifest/?match[version]=all"):
                self.every(reader, rest)
            # Filters (TAXII 2.1 §3.4.1) see the object as the reader may be given it: a
            # withheld object matches no filter.
            for types in (["indicator"], ["language-content", "report"], ["email-addr"]):
                got = {o["id"] for o in self.every(
                    reader, "objects/?match[type]=" + ",".join(types))}
                want = {oid for oid, vs in self.expected(reader).items()
                        if vs[-1]["type"] in types}
                self.assertEqual(got, want, (reader, types))


class StoredBeforeTest(unittest.TestCase):
    """A folder written before granular markings counted (schema version 3: nothing beside
    a version says whether it has granular markings or whom they withhold it from) is
    served by today's rules once this build opens it: schema version 4 labels its rows
    (the database is made to look like version 3; later migrations must tolerate that).
    The test writes such a folder by editing the database file back to what version 3
    kept, the one way to make one with today's binary."""

    def test_rows_stored_before_are_labelled_when_opened(self):
        import sqlite3
        tmp = tempfile.mkdtemp(prefix="entente-granular-old-")
        self.addCleanup(shutil.rmtree, tmp, True)
        n = harness.Node(tmp)
        self.addCleanup(n.kill)
        n.add_org("own")
        n.add_org("rd")
        to, tr = n.token("own"), n.token("rd")
        coll = n.collection("old", read=["own", "rd"], write=["own"], tlp="clear")
        n.start()
        hidden = secret()
        cut = indicator(audience=None, description=hidden,
                        granular_markings=[gm(TLP["red"], "description")])
        withheld = indicator(audience=None,
                             granular_markings=[gm(TLP["red"], "pattern")])
        r = n.request("POST", "/api/collections/%s/objects/" % coll, token=to,
                      body={"objects": [cut, withheld]})
        self.assertEqual(r.json().get("success_count"), 2, r)
        n.kill()
        db = sqlite3.connect(os.path.join(n.dir, "entente.db"))
        try:
            self.assertEqual(db.execute("PRAGMA user_version").fetchone()[0], 8)
            # What the versions after 3 added goes too: the value index (version 6, relationships in version 7), the
            # object counts and the index by type (version 8).
            db.execute("DROP TABLE object_values")
            db.execute("DROP TABLE object_counts")
            db.execute("DROP TABLE object_mixed")
            db.execute("DROP INDEX objects_type_added")
            for rowid, text in db.execute("SELECT rowid, audience FROM objects").fetchall():
                labels = json.loads(text) if text else {}
                labels.pop("granular", None)
                labels.pop("withheld_for", None)
                db.execute("UPDATE objects SET audience = ? WHERE rowid = ?",
                           (json.dumps(labels, separators=(",", ":")) if labels else "",
                            rowid))
            db.execute("PRAGMA user_version = 3")
            db.commit()
        finally:
            db.close()
        out = n.ok("export", "--collection", coll, "--as", "rd")
        self.assertNotIn(hidden, out, "export --as serves the hidden part of an old row")
        self.assertNotIn(withheld["id"], out, "export --as serves an old withheld row")
        n.start()
        r = n.request("GET", "/api/collections/%s/objects/%s/" % (coll, cut["id"]),
                      token=tr)
        self.assertEqual(r.status, 200, r)
        self.assertNotIn(hidden, r.body.decode())
        self.assertEqual(r.json()["objects"][0].get("description"), None)
        r = n.request("GET", "/api/collections/%s/objects/%s/" % (coll, withheld["id"]),
                      token=tr)
        self.assertEqual(r.status, 404, r)
        r = n.request("GET", "/api/collections/%s/manifest/" % coll, token=tr)
        self.assertEqual([o["id"] for o in r.json()["objects"]], [cut["id"]])


class GranularIngestTest(GranularTest):
    """The same corpus stored by `entente ingest --as own` (the CLI's admission path, which
    labels what it stores on its own): every read must be the same."""
    via_ingest = True


if __name__ == "__main__":
    unittest.main()
