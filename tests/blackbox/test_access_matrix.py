"""The authorisation and information-flow matrix, generated rather than hand-listed.

One node holds a collection with one object for every combination of TLP marking (TLP 1.0
and 2.0 ids, an unknown marking, none) and audience (none, a matching or a foreign trust
community, a recipient organisation, individuals), some of them with several versions
whose newest is more restricted than the older ones, and SCOs whose ids anyone can
compute. Every principal kind — the owner, the admin organisation, readers that belong
to the community, are recipients, are a recipient's declared client, hold a named
individual's token or another organisation's individual's token, a writer, a read-write
organisation that does not own the objects, an organisation without a grant, a revoked
token, a wrong token, no token — then asks every route of the node.

What is expected comes from a model of docs/sharing-rules.md written here (`sees`), not
from the server. For every principal and route the test checks:
  - the status code (grants and authentication decide it, never the hidden objects);
  - the body: exactly the objects, versions and manifest entries the model lets it see,
    the newest *visible* version where the newest is hidden (TAXII 2.1 §3.4.1
    match[version], "last" by default);
  - headers and cursors: every date_added a response carries (X-TAXII-Date-Added-First
    and -Last, manifest entries, the `next` cursor) is the date_added of a version this
    principal was given, or the lower bound it asked for: hidden rows leave no trace;
  - error shapes: for a hidden object, every route answers byte for byte what it answers
    for an id that was never stored (same status, headers, body), so that neither an
    error text nor a status code is an existence oracle;
  - writes: a POST of an SCO whose deterministic id equals a hidden one is answered as a
    POST of a value never seen (STIX 2.1 §2.9 makes SCO ids computable by anyone), and
    nobody but the owner may version or delete the owner's objects (STIX 2.1 §3.6).
  - granular markings (STIX 2.1 §7.2.3, issue 13): objects whose parts carry every TLP
    marking under every audience, parts whose loss leaves the object invalid, list items
    whose removal renumbers the selectors after them, a version history whose newest
    version is withheld. The bodies of objects/, objects/{id}/ and the bundle of `entente
    export --as/--token` are compared with what granular_model.py computes for each
    principal (the object-level rule below applied to each part's TLP), and no response
    to a principal carries the text of a part it may not see.

The route table ROUTES is the matrix's other axis. `test_every_answering_route_is_in_the
_matrix` probes every method on every path built from the path segments the handlers
compare against, and fails when the node answers anything but 404/405 on a route the
table does not list: a route added to the node is in this matrix the day it is added.
"""
import calendar
import glob
import shutil
import tempfile
import itertools
import json
import os
import re
import time
import unittest
import uuid

import granular_model
import harness
from harness import AUDIENCE_EXT, TLP

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src")

TLP1 = {
    "white": "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
    "green": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
    "amber": "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
    "red": "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
}
UNKNOWN_MARKING = "marking-definition--0badc0de-0000-4000-8000-00000000aaaa"

# The TLP axis: label as the model knows it -> marking refs put on the object.
MARKINGS = {
    "none": [],  # takes the collection's default (GREEN here)
    "clear": [TLP["clear"]],
    "white1": [TLP1["white"]],
    "green": [TLP["green"]],
    "green1": [TLP1["green"]],
    "amber": [TLP["amber"]],
    "amber1": [TLP1["amber"]],
    "amber+strict": [TLP["amber+strict"]],
    "red": [TLP["red"]],
    "red1": [TLP1["red"]],
    "unknown": [UNKNOWN_MARKING],  # counts as AMBER
    "green+red": [TLP["green"], TLP["red"]],  # the most restrictive wins
}
LEVEL = {"none": "green", "clear": "clear", "white1": "clear", "green": "green",
         "green1": "green", "amber": "amber", "amber1": "amber", "amber+strict": "strict",
         "red": "red", "red1": "red", "unknown": "amber", "green+red": "red"}

ID = {  # identities of organisations and people
    "own": "identity--0a000000-0000-4000-8000-000000000001",
    "rec": "identity--0a000000-0000-4000-8000-000000000002",
    "cli": "identity--0a000000-0000-4000-8000-000000000003",
    "com": "identity--0a000000-0000-4000-8000-000000000004",
    "oth": "identity--0a000000-0000-4000-8000-000000000005",
    "wro": "identity--0a000000-0000-4000-8000-000000000006",
    "rw": "identity--0a000000-0000-4000-8000-000000000007",
    "nog": "identity--0a000000-0000-4000-8000-000000000008",
}
PERSON_NAMED = "identity--0b000000-0000-4000-8000-000000000001"   # works at rec
PERSON_OTHER = "identity--0b000000-0000-4000-8000-000000000002"   # works at oth

# The audience axis: name -> the entente audience extension's properties.
AUDIENCES = {
    "none": {},
    "community": {"communities": ["isac"]},
    "foreign-community": {"communities": ["nobody-here"]},
    "recipient": {"recipients": [ID["rec"]]},
    "recipient-oth": {"recipients": [ID["oth"]]},
    "individual": {"individuals": [PERSON_NAMED]},
    "everyone": {"communities": ["isac", "eu"], "recipients": [ID["rec"], ID["oth"]],
                 "individuals": [PERSON_NAMED, PERSON_OTHER]},
}

# Organisations: id -> (communities, client_of)
ORGS = {
    "own": ([], None), "rec": (["isac"], None), "cli": ([], "rec"), "com": (["isac"], None),
    "oth": (["eu"], None), "wro": ([], None), "rw": (["isac"], None), "nog": (["isac"], None),
}
READ = ["own", "rec", "cli", "com", "oth", "rw", "admin"]
WRITE = ["own", "wro", "rw"]

# Principal kinds: name -> (organisation or None, individual, how the token is presented)
PRINCIPALS = {
    "owner": ("own", None, "bearer"),
    "admin": ("admin", None, "bearer"),
    "recipient": ("rec", None, "bearer"),
    "recipient-basic": ("rec", None, "basic"),
    "named-individual": ("rec", PERSON_NAMED, "bearer"),
    "client-of-recipient": ("cli", None, "bearer"),
    "community-member": ("com", None, "bearer"),
    "other-org-individual": ("oth", PERSON_OTHER, "bearer"),
    "writer-only": ("wro", None, "bearer"),
    "read-write-not-owner": ("rw", None, "bearer"),
    "no-grant": ("nog", None, "bearer"),
    "revoked": ("rec", None, "revoked"),
    "wrong-token": (None, None, "wrong"),
    "anonymous": (None, None, "none"),
}

# Every route of the node: (method, path template). Templates use {root}, {coll},
# {obj} and {status}. See test_every_answering_route_is_in_the_matrix.
ROUTES = [
    ("GET", "/taxii2/"),
    ("GET", "/{root}/"),
    ("GET", "/{root}/collections/"),
    ("GET", "/{root}/collections/{coll}/"),
    ("GET", "/{root}/collections/{coll}/manifest/"),
    ("GET", "/{root}/collections/{coll}/objects/"),
    ("POST", "/{root}/collections/{coll}/objects/"),
    ("GET", "/{root}/collections/{coll}/objects/{obj}/"),
    ("DELETE", "/{root}/collections/{coll}/objects/{obj}/"),
    ("GET", "/{root}/collections/{coll}/objects/{obj}/versions/"),
    ("GET", "/{root}/status/{status}/"),
]
METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]


def v(n):
    return "2024-01-0%dT00:00:00.000Z" % n


def marked(obj, marking, audience):
    if MARKINGS[marking]:
        obj["object_marking_refs"] = list(MARKINGS[marking])
    if AUDIENCES[audience]:
        ext = {"extension_type": "property-extension"}
        ext.update(AUDIENCES[audience])
        obj.setdefault("extensions", {})[AUDIENCE_EXT] = ext
    return obj


def sdo(oid, version, marking, audience, name):
    return marked({
        "type": "indicator", "spec_version": "2.1", "id": oid,
        "created": v(1), "modified": version, "name": name,
        "pattern": "[domain-name:value = '%s.example']" % name, "pattern_type": "stix",
        "valid_from": "2024-01-01T00:00:00Z", "created_by_ref": ID["own"],
    }, marking, audience)


def sco(value, marking, audience):
    # STIX 2.1 §2.9: the id of an SCO is a UUIDv5 of its contributing properties, in the
    # SCO namespace; anyone who knows the value knows the id.
    ns = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")
    oid = "email-addr--" + str(uuid.uuid5(ns, json.dumps({"value": value},
                                                          separators=(",", ":"))))
    return marked({"type": "email-addr", "spec_version": "2.1", "id": oid, "value": value},
                  marking, audience)


def secret():
    """Text that appears in one part of one object only: it must reach nobody who may
    not see that part."""
    return "mxsec" + uuid.uuid4().hex[:12]


def gm(refs, *selectors):
    return [{"marking_ref": ref, "selectors": list(selectors)} for ref in refs]


GRANULAR_LABELS = [m for m in MARKINGS if MARKINGS[m]]


def granular_objects():
    """(id, [(version, object-level marking, audience, object)]) for the granular axis."""
    out = []

    def one(versions):
        out.append((versions[0][3]["id"], versions))

    for obj_marking, audience in itertools.product(("clear", "green"), AUDIENCES):
        # One part per marking of the TLP axis ("green+red": two markings, one part).
        obj = sdo("indicator--" + str(uuid.uuid4()), v(1), obj_marking, audience,
                  "g-parts-%s-%s" % (obj_marking, audience))
        obj["granular_markings"] = [{"lang": "en", "selectors": ["name"]}]
        for label in GRANULAR_LABELS:
            prop = "x_part_" + label.replace("+", "_")
            obj[prop] = secret()
            obj["granular_markings"] += gm(MARKINGS[label], prop)
        one([(v(1), obj_marking, audience, obj)])
    for label in GRANULAR_LABELS:
        # pattern is required (STIX 2.1 §4.7): who may not see it is not given the object.
        obj = sdo("indicator--" + str(uuid.uuid4()), v(1), "clear", "everyone",
                  "g-pattern-" + label.replace("+", "-"))
        obj["pattern"] = "[domain-name:value = '%s.example']" % secret()
        obj["granular_markings"] = gm(MARKINGS[label], "pattern")
        one([(v(1), "clear", "everyone", obj)])
    # RED under an audience naming no individual: only the owner may see the pattern.
    obj = sdo("indicator--" + str(uuid.uuid4()), v(1), "clear", "community", "g-pattern-nobody")
    obj["pattern"] = "[domain-name:value = '%s.example']" % secret()
    obj["granular_markings"] = gm(MARKINGS["red"], "pattern")
    one([(v(1), "clear", "community", obj)])
    # List items: the AMBER+STRICT item [1] goes, the RED url of [2] goes, and the
    # selectors after them follow their items.
    obj = sdo("indicator--" + str(uuid.uuid4()), v(1), "clear", "everyone", "g-list")
    obj["external_references"] = [
        {"source_name": "a", "description": "first"},
        {"source_name": "b", "external_id": secret()},
        {"source_name": "c", "url": "https://example.org/" + secret(), "description": "c"},
        {"source_name": "d", "external_id": "d-4"}]
    obj["granular_markings"] = (gm(MARKINGS["amber+strict"], "external_references.[1]") +
                                gm(MARKINGS["red"], "external_references.[2].url") +
                                gm(MARKINGS["clear"], "external_references.[3].external_id"))
    one([(v(1), "clear", "everyone", obj)])
    # An AMBER object for a recipient with an AMBER+STRICT part and a RED part.
    obj = sdo("indicator--" + str(uuid.uuid4()), v(1), "amber", "everyone", "g-amber")
    obj["description"] = secret()
    obj["x_strict"] = secret()
    obj["granular_markings"] = (gm(MARKINGS["red1"], "description") +
                                gm(MARKINGS["amber+strict"], "x_strict"))
    one([(v(1), "amber", "everyone", obj)])
    # Versions: v2 has a RED description, v3 a RED pattern: whoever may not see RED is
    # given v2 without its description as the newest version, and never hears of v3.
    oid = "indicator--" + str(uuid.uuid4())
    v1 = sdo(oid, v(1), "clear", "individual", "g-ladder")
    v2 = sdo(oid, v(2), "clear", "individual", "g-ladder")
    v2["description"] = secret()
    v2["granular_markings"] = gm(MARKINGS["red"], "description")
    v3 = sdo(oid, v(3), "clear", "individual", "g-ladder")
    v3["pattern"] = "[domain-name:value = '%s.example']" % secret()
    v3["granular_markings"] = gm(MARKINGS["red"], "pattern")
    one([(v(1), "clear", "individual", v1), (v(2), "clear", "individual", v2),
         (v(3), "clear", "individual", v3)])
    return out


# --- the model of docs/sharing-rules.md ---------------------------------------------
def sees(principal, obj_marking, obj_audience):
    """May `principal` read a version with this marking and audience (the collection's
    read grant assumed)? The owner always may; an admin is an ordinary reader."""
    return sees_level(principal, LEVEL[obj_marking], AUDIENCES[obj_audience])


def sees_level(principal, level, aud):
    """The same rule for a TLP level ("clear", "green", "amber", "strict", "red") and the
    audience properties themselves: for a part under granular markings, whether the
    principal could see the object were it labelled with the part's level."""
    org, person, _ = PRINCIPALS[principal]
    if org == "own":
        return True
    communities, client_of = ORGS.get(org, ([], None))
    if level == "clear":
        return True
    if level == "green":
        named = aud.get("communities", [])
        return not named or bool(set(named) & set(communities))
    if level in ("amber", "strict"):
        named = aud.get("recipients", [])
        if org in ID and ID[org] in named:
            return True
        return level == "amber" and client_of is not None and ID[client_of] in named
    return person is not None and person in aud.get("individuals", [])


def grants(principal):
    org, _, kind = PRINCIPALS[principal]
    if kind != "bearer" and kind != "basic":
        return None  # not authenticated
    return (org in READ, org in WRITE)


def decode_cursor(text):
    assert text.startswith("c"), text
    return int(text[1:])


def micros(ts):
    base, frac = harness.instant(ts)
    return calendar.timegm(time.strptime(base, "%Y-%m-%dT%H:%M:%S")) * 1000000 + frac


class Fixture:
    """One node per test class, built once: the read tests never change it; the write
    tests have a node of their own."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="entente-matrix-")
        cls.node = harness.Node(cls.tmp)
        n = cls.node
        for org, (communities, client_of) in ORGS.items():
            args = ["--identity", ID[org]]
            for c in communities:
                args += ["--community", c]
            if client_of:
                args += ["--client-of", client_of]
            n.add_org(org, *args)
        cls.coll = n.collection("matrix", read=READ, write=WRITE, tlp="green")
        cls.private = n.collection("private", read=["own"], write=["own"], tlp="green")
        cls.tokens = {}
        for p, (org, person, kind) in PRINCIPALS.items():
            if kind == "wrong":
                cls.tokens[p] = "ent_" + "x" * 43
            elif kind == "none":
                cls.tokens[p] = None
            elif org == "admin":
                cls.tokens[p] = n.admin_token
            else:
                extra = ["--individual", person] if person else []
                cls.tokens[p] = n.token(org, "--label", "mx-" + p, *extra)
        # Token ids, for `entente export --token` (what that one token sees).
        cls.token_ids = {}
        for line in n.ok("token", "list").splitlines():
            for p in PRINCIPALS:
                if "mx-" + p in line.split():
                    cls.token_ids[p] = line.split()[0]
        n.start()
        cls.root = n.request("GET", "/taxii2/", token=n.admin_token).json()["default"].strip("/")
        # Objects: one per (marking, audience); then versioned objects whose newest
        # version is more restricted; then SCOs.
        cls.versions = {}  # id -> [(version, marking, audience)] in version order
        batch = []
        for marking, audience in itertools.product(MARKINGS, AUDIENCES):
            oid = "indicator--" + str(uuid.uuid4())
            name = ("m-%s-a-%s" % (marking, audience)).replace("+", "-")
            batch.append(sdo(oid, v(1), marking, audience, name))
            cls.versions[oid] = [(v(1), marking, audience)]
        ladders = [["clear", "red"], ["green", "amber", "red"], ["red", "clear"],
                   ["amber", "amber+strict"], ["clear", "green", "unknown"]]
        for i, ladder in enumerate(ladders):
            oid = "indicator--" + str(uuid.uuid4())
            cls.versions[oid] = []
            for k, marking in enumerate(ladder):
                audience = "recipient" if marking.startswith("amber") else (
                    "individual" if marking == "red" else "none")
                batch.append(sdo(oid, v(k + 1), marking, audience, "ladder-%d" % i))
                cls.versions[oid].append((v(k + 1), marking, audience))
        cls.secret_sco = sco("hidden-%s@example.org" % uuid.uuid4().hex[:8], "red",
                             "individual")
        batch.append(cls.secret_sco)
        cls.versions[cls.secret_sco["id"]] = [("", "red", "individual")]
        # Granular markings: parts at every TLP under every audience (granular_objects).
        cls.granular = set()
        for oid, versions in granular_objects():
            cls.granular.add(oid)
            cls.versions[oid] = [(ver, m, a) for ver, m, a, _ in versions]
            batch.extend(obj for _, _, _, obj in versions)
        # Every version as it was posted: (id, version or "") -> object.
        cls.bodies = {(o["id"], o.get("modified", "")): o for o in batch}
        cls.secrets = {w for w in re.findall(r"mxsec[0-9a-f]{12}", json.dumps(batch))}
        cls.forbidden_cache = {}
        cls.given_cache = {}
        cls.added_cache = {}
        owner = cls.tokens["owner"]
        # Several envelopes, in a shuffled order, so hidden and visible rows interleave.
        for start in range(0, len(batch), 17):
            r = n.request("POST", "/%s/collections/%s/objects/" % (cls.root, cls.coll),
                          token=owner,
                          body=harness.envelope(batch[start:start + 17]))
            assert r.status == 202, r
            st = r.json()
            if st["status"] != "complete":
                st = harness.wait_status(n, owner, "/%s/status/%s/" % (cls.root, st["id"]))
            assert st["failure_count"] == 0, st
        cls.status_id = st["id"]
        # The date_added of every stored version, as the owner (who sees all) reads it.
        added = {}
        for entry in cls("run").pages("owner", "manifest/", "match[version]=all"):
            added[(entry["id"], entry["version"])] = micros(entry["date_added"])
        cls.added = added
        # The revoked principal: a token of a reader, revoked while the node serves.
        cls.tokens["revoked"] = n.token("rec", "--label", "to-revoke")
        tid = [line.split()[0] for line in n.ok("token", "list").splitlines()
               if "to-revoke" in line]
        assert len(tid) == 1, tid
        n.ok("token", "revoke", tid[0])

    @classmethod
    def tearDownClass(cls):
        cls.node.kill()
        shutil.rmtree(cls.tmp, True)

    # --- helpers -------------------------------------------------------------------
    def objects_path(self, coll=None):
        return "/%s/collections/%s/objects/" % (self.root, coll or self.coll)

    def ask(self, principal, method, path, body=None, headers=None):
        _, _, kind = PRINCIPALS[principal]
        token = self.tokens[principal]
        if kind == "basic":
            r = self.node.request(method, path, basic=("any", token), body=body,
                                  headers=headers)
        else:
            r = self.node.request(method, path, token=token, body=body, headers=headers)
        self.assert_no_leak(principal, "%s %s" % (method, path),
                            r.body.decode("utf-8", "replace") + json.dumps(r.headers))
        return r

    def assert_no_leak(self, principal, where, text):
        """No part under a granular marking `principal` may not see is in `text`."""
        if principal not in self.forbidden_cache:
            allowed = []
            if (grants(principal) or (False, False))[0]:
                for oid in self.versions:
                    allowed += [self.given(principal, oid, ver)
                                for ver in self.visible_versions(principal, oid)]
            text_allowed = json.dumps(allowed)
            self.forbidden_cache[principal] = {x for x in self.secrets
                                               if x not in text_allowed}
        for x in self.forbidden_cache[principal]:
            at = text.find(x)
            if at >= 0:
                self.fail("%s is given a part it may not see through %s: ...%s..." %
                          (principal, where, text[max(0, at - 200):at + 40]))

    def given(self, principal, oid, ver):
        """The model: the version (id, ver) as `principal` receives it, None when it is
        not given (object-level rule, or granular markings withhold it)."""
        key = (principal, oid, ver)
        if key not in self.given_cache:
            stored = [(m, a) for x, m, a in self.versions[oid] if x == ver]
            assert len(stored) == 1, (oid, ver)
            marking, audience = stored[0]
            got = None
            if sees(principal, marking, audience):
                aud = AUDIENCES[audience]
                level_name = {"amber+strict": "strict"}
                object_level = {"strict": "amber+strict"}.get(LEVEL[marking], LEVEL[marking])
                got = granular_model.view(self.bodies[(oid, ver)], lambda level: sees_level(
                    principal, level_name.get(level, level), aud), object_level)
            self.given_cache[key] = got
        return self.given_cache[key]

    def pages(self, principal, what, query="", limit=None):
        """Every entry of a paged list (objects/, manifest/, objects/ID/versions/),
        following `next`; checks each page's cursor and headers on the way."""
        out = []
        nxt = None
        for _ in range(1000):
            q = [x for x in (query, "limit=%d" % limit if limit else "",
                             "next=" + nxt if nxt else "") if x]
            path = "/%s/collections/%s/%s" % (self.root, self.coll, what)
            r = self.ask(principal, "GET", path + ("?" + "&".join(q) if q else ""))
            assert r.status == 200, (principal, path, r)
            doc = r.json()
            key = "versions" if what.endswith("versions/") else "objects"
            page = doc.get(key, [])
            out.extend(page)
            if hasattr(self, "added"):
                self.check_traces(principal, r, doc, page, key, nxt)
            if not doc.get("more"):
                self.assertNotIn("next", doc)
                return out
            nxt = doc["next"]
        raise AssertionError("paging did not end")

    def visible_versions(self, principal, oid):
        return [ver for ver, m, a in self.versions[oid]
                if sees(principal, m, a) and (oid not in self.granular or
                                              self.given(principal, oid, ver) is not None)]

    def version_key(self, oid, modified):
        """The version of self.versions[oid] an object given with `modified` is."""
        for ver, _, _ in self.versions[oid]:
            if ver == modified == "" or (ver and modified and
                                         harness.instant(ver) == harness.instant(modified)):
                return ver
        raise AssertionError("given a version never stored: %s %s" % (oid, modified))

    def assert_bodies(self, principal, objects, where):
        """Each object given is the version as the model says `principal` receives it."""
        for o in objects:
            ver = self.version_key(o["id"], o.get("modified", ""))
            self.assertEqual(o, self.given(principal, o["id"], ver),
                             "%s: %s gives %s %s other than the model" %
                             (principal, where, o["id"], ver))

    def stored_version(self, oid, ver):
        """The version text the manifest shows for a stored version."""
        for (i, shown), _ in self.added.items():
            if i == oid and (ver == "" or harness.instant(shown) == harness.instant(ver)):
                return shown
        raise AssertionError("not stored: %s %s" % (oid, ver))

    def given_added(self, principal):
        """The date_added of every version `principal` may see (computed once)."""
        if principal not in self.added_cache:
            out = set()
            for oid in self.versions:
                for ver in self.visible_versions(principal, oid):
                    out.add(self.added[(oid, self.stored_version(oid, ver))])
            self.added_cache[principal] = out
        return set(self.added_cache[principal])

    def check_traces(self, principal, r, doc, page, key, lower):
        """Every date_added in a response belongs to a version the principal may see
        (or is the lower bound it gave)."""
        allowed = self.given_added(principal)
        if lower:
            allowed.add(decode_cursor(lower))
        allowed.add(0)
        for h in ("x-taxii-date-added-first", "x-taxii-date-added-last"):
            self.assertIn(micros(r.headers[h]), allowed,
                          "%s: %s reveals a hidden row's date_added" % (principal, h))
        if "next" in doc:
            self.assertIn(decode_cursor(doc["next"]), allowed,
                          "%s: the next cursor is a hidden row's date_added" % principal)
        if key == "objects":
            for e in page:
                if "date_added" in e:
                    self.assertIn(micros(e["date_added"]), allowed)

    def expected_status(self, principal, method, template, coll):
        g = grants(principal)
        if g is None:
            return 401
        can_read, can_write = g if coll == self.coll else ((PRINCIPALS[principal][0] == "own",) * 2)
        if "{coll}" in template and not (can_read or can_write):
            return 404
        if template.endswith("/manifest/") or "/objects/" in template and method == "GET":
            return 200 if can_read else 403
        if method == "POST":
            return 202 if can_write else 403
        if method == "DELETE":
            return None if can_read and can_write else 403  # decided per object
        return 200

    def fill(self, template, coll=None, obj="indicator--00000000-0000-4000-8000-000000000000",
             status=None):
        return template.format(root=self.root, coll=coll or self.coll, obj=obj,
                               status=status or self.status_id)

    def readers(self):
        return [p for p in PRINCIPALS if (grants(p) or (False, False))[0]]

    def comparable(self, r):
        h = {k: val for k, val in r.headers.items() if k not in ("date",)}
        return (r.status, h, r.body)

    def post(self, principal, objects):
        r = self.ask(principal, "POST", self.objects_path(), body=harness.envelope(objects))
        if r.status != 202:
            return r.status, None
        st = r.json()
        if st["status"] != "complete":
            st = harness.wait_status(self.node, self.tokens[principal],
                                     "/%s/status/%s/" % (self.root, st["id"]))
        return 202, st


class ReadMatrix(Fixture, unittest.TestCase):
    """Who is given what, and what errors and cursors tell."""

    def test_status_codes_by_grant_for_every_route_and_principal(self):
        for principal in PRINCIPALS:
            for coll in (self.coll, self.private):
                for method, template in ROUTES:
                    if method in ("POST", "DELETE"):
                        continue  # the write tests below
                    if template.endswith("{status}/"):
                        continue  # test_status_resource_is_its_creators_only
                    any_obj = next(iter(self.versions))
                    path = self.fill(template, coll=coll, obj=any_obj)
                    want = self.expected_status(principal, method, template, coll)
                    if want == 200 and "{obj}" in template:
                        visible = coll == self.coll and self.visible_versions(principal, any_obj)
                        want = 200 if visible else 404
                    r = self.ask(principal, method, path)
                    self.assertEqual(r.status, want, (principal, method, path, r))
                    if r.status >= 400:
                        self.assertEqual(r.headers.get("content-type"), harness.TAXII)
                        err = r.json()
                        self.assertEqual(str(err.get("http_status")), str(r.status), err)
                        self.assertTrue(err.get("title"), err)

    def test_collections_list_shows_exactly_the_granted_ones(self):
        for principal in PRINCIPALS:
            g = grants(principal)
            r = self.ask(principal, "GET", "/%s/collections/" % self.root)
            if g is None:
                self.assertEqual(r.status, 401)
                continue
            self.assertEqual(r.status, 200)
            got = {c["id"]: (c["can_read"], c["can_write"])
                   for c in r.json().get("collections", [])}
            want = {}
            if any(g):
                want[self.coll] = g
            if PRINCIPALS[principal][0] == "own":
                want[self.private] = (True, True)
            self.assertEqual(got, want, principal)

    def test_objects_and_manifest_give_exactly_the_visible_versions(self):
        for principal in self.readers():
            last, first, every = set(), set(), set()
            for oid in self.versions:
                vis = [self.stored_version(oid, x) for x in self.visible_versions(principal, oid)]
                if vis:
                    last.add((oid, vis[-1]))
                    first.add((oid, vis[0]))
                    every.update((oid, x) for x in vis)
            for limit in (None, 1, 7):
                for query, want in (("", last), ("match[version]=last", last),
                                    ("match[version]=first", first),
                                    ("match[version]=all", every)):
                    got = [(e["id"], e["version"])
                           for e in self.pages(principal, "manifest/", query, limit)]
                    self.assertEqual(len(got), len(set(got)), (principal, query, limit))
                    self.assertEqual(set(got), want, (principal, "manifest", query, limit))
                    objs = self.pages(principal, "objects/", query, limit)
                    self.assert_bodies(principal, objs, "objects/?" + query)
                    got = {(o["id"], self.stored_version(o["id"], o.get("modified", "")))
                           for o in objs}
                    self.assertEqual(got, want, (principal, "objects", query, limit))

    def test_single_object_and_versions_routes(self):
        for principal in self.readers():
            for oid in self.versions:
                vis = self.visible_versions(principal, oid)
                r = self.ask(principal, "GET", self.objects_path() + oid + "/")
                rv = self.ask(principal, "GET", self.objects_path() + oid + "/versions/")
                if not vis:
                    self.assertEqual((r.status, rv.status), (404, 404), (principal, oid))
                    continue
                self.assertEqual(r.status, 200, (principal, oid, r))
                objs = r.json()["objects"]
                self.assertEqual(len(objs), 1, (principal, oid))
                self.assert_bodies(principal, objs, "objects/%s/" % oid)
                want = self.stored_version(oid, vis[-1])
                self.assertEqual(self.stored_version(oid, objs[0].get("modified", "")), want,
                                 "%s given a version other than the newest it may see" % principal)
                self.assertEqual(rv.status, 200)
                got = [harness.instant(x) for x in rv.json().get("versions", [])]
                want = [harness.instant(self.stored_version(oid, x)) for x in vis]
                self.assertEqual(got, want, (principal, oid))

    def test_export_bundles_are_the_model_views(self):
        # `entente export --as ORG` is what ORG's tokens see, `--token ID` what that token
        # sees, its individual included (docs/sharing-rules.md): the same bodies as TAXII.
        done = set()
        for principal in self.readers():
            org, person, _ = PRINCIPALS[principal]
            args = ("--token", self.token_ids[principal]) if person else ("--as", org)
            if args in done:
                continue
            done.add(args)
            for extra in ((), ("--all-versions",)):
                out = self.node.ok("export", "--collection", self.coll, *(args + extra))
                self.assert_no_leak(principal, "export " + " ".join(args + extra), out)
                objs = json.loads(out)["objects"]
                want = sorted((oid, ver) for oid in self.versions
                              for ver in (self.visible_versions(principal, oid) if extra
                                          else self.visible_versions(principal, oid)[-1:]))
                got = sorted((o["id"], self.version_key(o["id"], o.get("modified", "")))
                             for o in objs)
                self.assertEqual(got, want, (principal, args, extra))
                self.assert_bodies(principal, objs, "export " + " ".join(args + extra))

    def test_granular_axis_discriminates(self):
        # The granular objects are not vacuous: each reader kind but the owner is denied
        # some part it is given the rest of the object without, and some object is
        # withheld from it because of a part alone.
        for principal in self.readers():
            cut = withheld = 0
            for oid in self.granular:
                for ver, m, a in self.versions[oid]:
                    if not sees(principal, m, a):
                        continue
                    got = self.given(principal, oid, ver)
                    if got is None:
                        withheld += 1
                    elif got != self.bodies[(oid, ver)]:
                        cut += 1
            if PRINCIPALS[principal][0] == "own":
                self.assertEqual((cut, withheld), (0, 0))
            else:
                self.assertGreater(cut, 0, principal)
                self.assertGreater(withheld, 0, principal)

    def test_a_hidden_object_answers_like_one_never_stored(self):
        never = "indicator--" + str(uuid.uuid4())
        for principal in PRINCIPALS:
            for oid in self.versions:
                if self.visible_versions(principal, oid) and grants(principal) and grants(principal)[0]:
                    continue
                for method, template in ROUTES:
                    if "{obj}" not in template:
                        continue
                    a = self.ask(principal, method, self.fill(template, obj=oid))
                    b = self.ask(principal, method, self.fill(template, obj=never))
                    self.assertEqual(
                        self.comparable(a), self.comparable(b),
                        "%s %s tells %s a hidden object from one never stored" %
                        (method, template, principal))

    def test_status_resource_is_its_creators_only(self):
        never = str(uuid.uuid4())
        for principal in PRINCIPALS:
            a = self.ask(principal, "GET", "/%s/status/%s/" % (self.root, self.status_id))
            b = self.ask(principal, "GET", "/%s/status/%s/" % (self.root, never))
            if PRINCIPALS[principal][0] == "own":
                self.assertEqual(a.status, 200)
                continue
            self.assertEqual(self.comparable(a), self.comparable(b), principal)


class WriteMatrix(Fixture, unittest.TestCase):
    """Who may write what to whose objects, and what a write tells."""

    def test_posting_a_hidden_sco_answers_like_a_new_value(self):
        # The hidden RED SCO's twin, unmarked, against a value never seen: the two
        # status resources must differ only in their ids and request times.
        def shape(st):
            return [(d.get("message"), bool(d.get("version"))) for d in st.get("successes", [])], \
                   [d.get("message") for d in st.get("failures", [])], st["success_count"]
        for principal in ("writer-only", "read-write-not-owner"):
            twin = {k: val for k, val in self.secret_sco.items()
                    if k not in ("object_marking_refs", "extensions")}
            fresh = sco("never-%s@example.org" % uuid.uuid4().hex[:8], "none", "none")
            code_a, a = self.post(principal, [twin])
            code_b, b = self.post(principal, [fresh])
            self.assertEqual((code_a, code_b), (202, 202))
            self.assertEqual(shape(a), shape(b),
                             "a POST tells %s that a hidden SCO exists: %r vs %r" %
                             (principal, a, b))
            if grants(principal)[0]:
                ra = self.ask(principal, "GET", self.objects_path() + twin["id"] + "/")
                rb = self.ask(principal, "GET", self.objects_path() + fresh["id"] + "/")
                self.assertEqual((ra.status, rb.status), (200, 200),
                                 "%s cannot read back what it posted" % principal)
                self.assertEqual(ra.json()["objects"][0].get("object_marking_refs"), None)

    def test_only_the_owner_versions_or_deletes_its_objects(self):
        oid = next(o for o, vs in self.versions.items()
                   if len(vs) == 1 and vs[0][1] == "clear" and vs[0][0])
        newer = sdo(oid, "2025-06-01T00:00:00.000Z", "clear", "none", "forged")
        for principal in ("writer-only", "read-write-not-owner", "admin"):
            code, st = self.post(principal, [newer])
            if code == 403:
                continue  # admin has no write grant here
            self.assertEqual(st["failure_count"], 1,
                             "%s published a version of the owner's object: %r" % (principal, st))
            self.assertIsNone(re.search(r"\bown\b|" + ID["own"], json.dumps(st["failures"])),
                              "the refusal names the owner: %r" % st["failures"])
        r = self.ask("owner", "GET", self.objects_path() + oid + "/")
        self.assertNotEqual(r.json()["objects"][0]["name"], "forged")
        r = self.ask("read-write-not-owner", "DELETE", self.objects_path() + oid + "/")
        self.assertEqual(r.status, 403, r)
        r = self.ask("owner", "GET", self.objects_path() + oid + "/")
        self.assertEqual(r.status, 200)

    def test_the_owner_override_widens_nothing_for_anyone_but_an_admin_writer(self):
        # X-Entente-Override: owner is an administrator's explicit override of the owner
        # rule (docs/security.md). From anyone else it is refused outright; it never
        # stands in for a missing grant.
        oid = next(o for o, vs in self.versions.items() if len(vs) == 1 and vs[0][0])
        newer = sdo(oid, "2025-07-01T00:00:00.000Z", "clear", "none", "overridden")
        hdr = {"X-Entente-Override": "owner"}
        for principal in PRINCIPALS:
            g = grants(principal)
            post = self.ask(principal, "POST", self.objects_path(),
                            body=harness.envelope([newer]), headers=hdr)
            delete = self.ask(principal, "DELETE", self.objects_path() + oid + "/",
                              headers=hdr)
            if g is None:
                self.assertEqual((post.status, delete.status), (401, 401), principal)
            elif not any(g):
                self.assertEqual((post.status, delete.status), (404, 404), principal)
            else:
                self.assertEqual((post.status, delete.status), (403, 403), principal)
        r = self.ask("owner", "GET", self.objects_path() + oid + "/")
        self.assertEqual(r.status, 200)
        self.assertNotEqual(r.json()["objects"][0]["name"], "overridden")

    def test_every_answering_route_is_in_the_matrix(self):
        literals = set()
        for path in glob.glob(os.path.join(SRC, "*", "*handler*.cc")) + \
                glob.glob(os.path.join(SRC, "*", "*route*.cc")):
            with open(path, encoding="utf-8") as f:
                literals.update(re.findall(r'==\s*"([a-z0-9_.-]+)"', f.read()))
        literals -= set(METHODS)
        # A sacrificial object of the owner's, so that a route that answers only for an
        # existing object answers here too (the DELETE route removes it on the way).
        sacrificial = sdo("indicator--" + str(uuid.uuid4()), v(1), "clear", "none", "probe")
        self.assertEqual(self.post("owner", [sacrificial])[1]["success_count"], 1)
        oid = sacrificial["id"]
        values = sorted(literals) + [self.root, self.coll, oid, self.status_id, "zzz"]
        declared = {(m, self.fill(t, obj=oid)) for m, t in ROUTES}
        owner = self.tokens["owner"]
        probed = 0
        frontier = [""]
        for depth in range(6):
            nxt = []
            for prefix in frontier:
                for seg in values:
                    path = prefix + "/" + seg
                    for method in METHODS:
                        r = self.node.request(method, path + "/", token=owner,
                                              body="{}" if method in ("POST", "PUT", "PATCH")
                                              else None)
                        probed += 1
                        if r.status in (404, 405):
                            continue
                        self.assertIn((method, path + "/"), declared,
                                      "the node answers %d to %s %s/, a route the access "
                                      "matrix does not list" % (r.status, method, path))
                    # only extend prefixes that lead somewhere
                    if any((m, p) for m, p in declared if p.startswith(path + "/")):
                        nxt.append(path)
            frontier = nxt
        self.assertGreater(probed, 100)


if __name__ == "__main__":
    unittest.main()
