"""Runs every TAXII transcript in transcripts/*.json against a fresh node and server.

A transcript is data:
  {"description": "...",
   "setup": {
     "apiroots":    [{"name": "small", "args": ["--max-content-length", "4000"]}],
     "orgs":        [{"id": "a", "args": ["--identity", "identity--...", "--community", "x"]}],
     "tokens":      {"ta": {"org": "a", "args": []}},        ("admin" is always defined)
     "collections": [{"id": "<uuid>", "title": "t", "read": ["a"], "write": ["a"],
                      "tlp": "amber", "api_root": "api"}],
     "objects":     [{"collection": "<uuid>", "token": "ta", "objects": [...]}]},
   "requests": [
     {"name": "...", "method": "GET", "path": "/api/collections/<uuid>/objects/?limit=2",
      "token": "ta" | null, "basic": ["user", "ta"], "headers": {"Accept": "..." | null},
      "body": <json> | "raw_body": "text", "repeat_body": {"prefix":..,"unit":..,"count":..},
      "poll_complete": true,
      "expect": {"status": 200, "headers_present": [...], "headers_absent": [...],
                 "header_prefix": {"content-type": "application/taxii+json"},
                 "status_in": [400, 413], "text_contains": [...], "text_excludes": [...],
                 "rfc3339_headers": [...],
                 "ids_equal": [...], "ids_include": [...], "ids_exclude": [...],
                 "versions_equal": [...], "more": false, "count": 3,
                 "json": {"dotted.path": value}, "text_contains": [...], "no_duplicates": true},
      "save": {"var": "json dotted path"}, "save_headers": {"var": "header"}}]}
Strings may use {tok:NAME} (a token secret) and {var:NAME} (a saved value, URL-quoted
inside paths). Setup objects are POSTed over TAXII and must complete with no failure.
"""
import glob
import json
import os
import re
import time
import unittest
import urllib.parse

import harness

HERE = os.path.dirname(os.path.abspath(__file__))
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


def dig(doc, path):
    cur = doc
    for part in path.split("."):
        if isinstance(cur, list):
            cur = cur[int(part)]
        else:
            cur = cur[part]
    return cur


class Context:
    def __init__(self, node):
        self.node = node
        self.tokens = {"admin": node.admin_token}
        self.vars = {}

    def subst(self, value, in_path=False):
        if isinstance(value, str):
            def repl(m):
                kind, name = m.group(1), m.group(2)
                v = self.tokens[name] if kind == "tok" else str(self.vars[name])
                return urllib.parse.quote(v, safe="") if in_path else v
            return re.sub(r"\{(tok|var):([A-Za-z0-9_\-]+)\}", repl, value)
        if isinstance(value, list):
            return [self.subst(v, in_path) for v in value]
        if isinstance(value, dict):
            return {k: self.subst(v, in_path) for k, v in value.items()}
        return value


def setup_node(test, ctx, setup):
    node = ctx.node
    for root in setup.get("apiroots", []):
        node.ok("apiroot", "add", root["name"], *root.get("args", []))
    for org in setup.get("orgs", []):
        node.add_org(org["id"], *org.get("args", []))
    for name, tok in setup.get("tokens", {}).items():
        ctx.tokens[name] = node.token(tok["org"], *tok.get("args", []))
    for c in setup.get("collections", []):
        args = ["collection", "add", "--title", c.get("title", c["id"]), "--id", c["id"]]
        if c.get("api_root"):
            args += ["--api-root", c["api_root"]]
        if c.get("read"):
            args += ["--read", ",".join(c["read"])]
        if c.get("write"):
            args += ["--write", ",".join(c["write"])]
        if c.get("tlp"):
            args += ["--tlp", c["tlp"]]
        out = node.ok(*args)
        test.assertEqual(out.splitlines()[-1].strip(), c["id"])
    node.start()
    for post in setup.get("objects", []):
        root = post.get("api_root", "api")
        r = node.request("POST", "/%s/collections/%s/objects/" % (root, post["collection"]),
                         token=ctx.tokens[post["token"]],
                         body={"objects": ctx.subst(post["objects"])})
        test.assertEqual(r.status, 202, "setup POST: %r" % r)
        st = r.json()
        if st.get("status") != "complete":
            st = harness.wait_status(node, ctx.tokens[post["token"]],
                                     "/%s/status/%s/" % (root, st["id"]))
        test.assertEqual(st.get("failure_count"), 0, "setup POST failures: %r" % st)
        time.sleep(0.002)  # distinct date_added between setup batches


def check(test, where, exp, r):
    if "status" in exp:
        test.assertEqual(r.status, exp["status"], "%s: %r" % (where, r))
    if "status_in" in exp:
        test.assertIn(r.status, exp["status_in"], "%s: %r" % (where, r))
    for h in exp.get("headers_present", []):
        test.assertIn(h.lower(), r.headers, "%s: header %s missing: %r" % (where, h, r.headers))
    for h in exp.get("headers_absent", []):
        test.assertNotIn(h.lower(), r.headers, where)
    for h, prefix in exp.get("header_prefix", {}).items():
        test.assertTrue(r.headers.get(h.lower(), "").replace(" ", "").startswith(prefix),
                        "%s: %s is %r" % (where, h, r.headers.get(h.lower())))
    for h in exp.get("rfc3339_headers", []):
        test.assertRegex(r.headers.get(h.lower(), ""), RFC3339, "%s: %s" % (where, h))
    for s in exp.get("text_contains", []):
        test.assertIn(s, r.body.decode("utf-8", "replace"), where)
    for s in exp.get("text_excludes", []):
        test.assertNotIn(s, r.body.decode("utf-8", "replace"), where)
    body_keys = {"ids_equal", "ids_include", "ids_exclude", "versions_equal", "more", "count",
                 "json", "no_duplicates"}
    if not body_keys & set(exp):
        return
    doc = r.json()
    items = doc.get("objects", []) if isinstance(doc, dict) else []
    ids = [o["id"] for o in items]
    if "ids_equal" in exp:
        test.assertEqual(sorted(ids), sorted(exp["ids_equal"]), where)
    for i in exp.get("ids_include", []):
        test.assertIn(i, ids, where)
    for i in exp.get("ids_exclude", []):
        test.assertNotIn(i, ids, where)
    if exp.get("no_duplicates"):
        pairs = [(o["id"], o.get("modified", o.get("version"))) for o in items]
        test.assertEqual(len(pairs), len(set(pairs)), "%s: duplicates %r" % (where, pairs))
    if "versions_equal" in exp:
        test.assertEqual(sorted(map(harness.instant, doc.get("versions", []))),
                         sorted(map(harness.instant, exp["versions_equal"])), where)
    if "more" in exp:
        test.assertEqual(doc.get("more", False), exp["more"], "%s: more" % where)
    if "count" in exp:
        test.assertEqual(len(items), exp["count"], where)
    for path, want in exp.get("json", {}).items():
        try:
            got = dig(doc, path)
        except (KeyError, IndexError, ValueError, TypeError):
            test.fail("%s: %s missing in %s" % (where, path, json.dumps(doc)[:500]))
        test.assertEqual(got, want, "%s: %s in %s" % (where, path, json.dumps(doc)[:500]))


def run_transcript(test, path):
    with open(path) as f:
        script = json.load(f)
    ctx = Context(test.node)
    setup_node(test, ctx, script.get("setup", {}))
    for i, req in enumerate(script["requests"]):
        req = ctx.subst(req)
        where = "%s #%d %s" % (os.path.basename(path), i, req.get("name", ""))
        rpath = ctx.subst(script["requests"][i]["path"], in_path=True)
        body = None
        if "body" in req:
            body = json.dumps(req["body"])
        elif "raw_body" in req:
            body = req["raw_body"]
        elif "repeat_body" in req:
            rb = req["repeat_body"]
            body = rb.get("prefix", "") + rb["unit"] * rb["count"] + rb.get("suffix", "")
        token = req.get("token", "admin")
        basic = req.get("basic")
        if basic:
            basic = (basic[0], ctx.tokens.get(basic[1], basic[1]))
        r = test.node.request(req.get("method", "GET"), rpath,
                              token=ctx.tokens.get(token, token) if token else None,
                              body=body, headers=req.get("headers"), basic=basic)
        if req.get("poll_complete") and r.status == 200:
            doc = r.json()
            if doc.get("status") != "complete":
                harness.wait_status(test.node, ctx.tokens.get(token, token), rpath)
                r = test.node.request("GET", rpath, token=ctx.tokens.get(token, token))
        check(test, where, req.get("expect", {}), r)
        if req.get("save") or req.get("save_headers"):
            for var, jpath in req.get("save", {}).items():
                ctx.vars[var] = dig(r.json(), jpath)
            for var, h in req.get("save_headers", {}).items():
                ctx.vars[var] = r.headers[h.lower()]
        if req.get("sleep_ms"):
            time.sleep(min(req["sleep_ms"], 100) / 1000.0)


class TranscriptTest(harness.NodeTest):
    pass


def _make(path):
    def test(self):
        run_transcript(self, path)
    return test


for _path in sorted(glob.glob(os.path.join(HERE, "transcripts", "*.json"))):
    _name = "test_" + re.sub(r"\W", "_", os.path.splitext(os.path.basename(_path))[0])
    setattr(TranscriptTest, _name, _make(_path))


if __name__ == "__main__":
    unittest.main()
