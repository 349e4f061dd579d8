#!/usr/bin/env python3
"""Random differential check of `entente pattern match` against the OASIS reference
matcher (a development tool: it needs the reference, which the test suite does not).

    /work/ref/refpy tests/pattern/reference/random_compare.py \
        build/tests/pattern/pattern_cli_for_test 2000 SEED

Generates patterns of CTI shapes (addresses, domains, files and hashes, network traffic
through its references, processes; every comparison operator with and without NOT;
AND/OR inside brackets; AND/OR/FOLLOWEDBY between them; WITHIN, REPEATS, START/STOP) and
STIX 2.1 observations drawn from small value pools so that matches happen, runs both,
and prints every case where they answer differently (match / no match / error). It
stays inside the behaviour both implementations share: ASCII values (the NFC
difference), IPv4 only, ISSUBSET on addresses, no duplicate qualifiers — the deliberate
differences of docs/conformance.md are not exercised.
"""
import json, random, subprocess, sys, copy, os, tempfile
from stix2matcher.matcher import match as ref_match
CLI = sys.argv[1]
N = int(sys.argv[2])
seed = int(sys.argv[3])
rnd = random.Random(seed)
IPS = ["10.0.0.1", "10.0.0.2", "192.168.1.7", "203.0.113.33"]
DOMS = ["a.example", "b.example", "evil.example"]
NAMES = ["a.exe", "b.dll", "report.pdf"]
MD5S = ["%032x" % i for i in (1, 2, 3)]
PORTS = [53, 80, 443]
PROTOS = ["tcp", "udp", "dns", "http"]
TIMES = ["2020-01-01T00:00:%02dZ" % s for s in (0, 5, 10, 20, 40)]

def scos(k):
    out = []; n = 0
    def nid(t):
        nonlocal n; n += 1
        return "%s--%08d-0000-4000-8000-%012d" % (t, k, n)
    ip = {"type": "ipv4-addr", "id": nid("ipv4-addr"), "value": rnd.choice(IPS)}
    ip2 = {"type": "ipv4-addr", "id": nid("ipv4-addr"), "value": rnd.choice(IPS)}
    out += [ip, ip2]
    if rnd.random() < .6:
        out.append({"type": "domain-name", "id": nid("domain-name"), "value": rnd.choice(DOMS),
                    "resolves_to_refs": [ip["id"]]})
    if rnd.random() < .6:
        out.append({"type": "file", "id": nid("file"), "name": rnd.choice(NAMES),
                    "size": rnd.choice([10, 100, 1000]), "hashes": {"MD5": rnd.choice(MD5S)}})
    if rnd.random() < .6:
        out.append({"type": "network-traffic", "id": nid("network-traffic"), "src_ref": ip2["id"],
                    "dst_ref": ip["id"], "dst_port": rnd.choice(PORTS),
                    "protocols": rnd.sample(PROTOS, 2)})
    if rnd.random() < .4:
        out.append({"type": "process", "id": nid("process"), "name": rnd.choice(NAMES), "pid": rnd.choice([1, 4, 100]),
                    "command_line": rnd.choice(NAMES) + " -x"})
    return out

def observations():
    objs = []
    for k in range(rnd.randint(1, 4)):
        s = scos(k)
        first = rnd.randint(0, 3)
        objs += s
        objs.append({"type": "observed-data", "id": "observed-data--%08d-0000-4000-8000-000000000000" % k,
                     "first_observed": TIMES[first], "last_observed": TIMES[rnd.randint(first, 4)],
                     "number_observed": rnd.choice([1, 1, 2]), "object_refs": [o["id"] for o in s]})
    return {"type": "bundle", "id": "bundle--1", "objects": objs}

def q(s): return "'" + s + "'"
def comparison():
    t = rnd.choice(["ip", "dom", "file", "nt", "proc", "url"])
    neg = "NOT " if rnd.random() < .2 else ""
    if t == "ip":
        op = rnd.choice(["=", "!=", "IN", "ISSUBSET", "LIKE", "MATCHES"])
        if op == "IN": return "ipv4-addr:value %sIN (%s)" % (neg, ", ".join(q(x) for x in rnd.sample(IPS, 2)))
        if op == "ISSUBSET": return "ipv4-addr:value %sISSUBSET %s" % (neg, q(rnd.choice(["10.0.0.0/8", "192.168.0.0/16", "203.0.113.0/24", "10.0.0.2/32"])))
        if op == "LIKE": return "ipv4-addr:value %sLIKE %s" % (neg, q(rnd.choice(["10.%", "%.33", "192.168.1._"])))
        if op == "MATCHES": return "ipv4-addr:value %sMATCHES %s" % (neg, q(rnd.choice(["^10\\\\.", "3$"])))
        return "ipv4-addr:value %s%s %s" % (neg, op, q(rnd.choice(IPS)))
    if t == "dom":
        c = rnd.choice(["value", "ref"])
        if c == "ref": return "domain-name:resolves_to_refs[*].value %s= %s" % (neg, q(rnd.choice(IPS)))
        return "domain-name:value %s%s %s" % (neg, rnd.choice(["=", "!=", ">", "<="]), q(rnd.choice(DOMS)))
    if t == "file":
        c = rnd.choice(["name", "size", "md5"])
        if c == "size": return "file:size %s%s %d" % (neg, rnd.choice(["=", "!=", ">", "<", ">=", "<="]), rnd.choice([10, 100, 1000, 50]))
        if c == "md5": return "file:hashes.MD5 %s%s %s" % (neg, rnd.choice(["=", "!="]), q(rnd.choice(MD5S)))
        return "file:name %s%s %s" % (neg, rnd.choice(["=", "!=", "LIKE"]), q(rnd.choice(NAMES + ["%.exe", "_.dll"])))
    if t == "nt":
        c = rnd.choice(["port", "proto", "dst", "src"])
        if c == "port": return "network-traffic:dst_port %s%s" % (neg, rnd.choice(["= 53", "IN (80, 443)", "> 60", "!= 'x'", "< 100"]))
        if c == "proto": return "network-traffic:protocols[*] %s= %s" % (neg, q(rnd.choice(PROTOS)))
        return "network-traffic:%s_ref.value %s%s" % (c, neg, rnd.choice(["= " + q(rnd.choice(IPS)), "ISSUBSET '10.0.0.0/8'"]))
    if t == "url":
        return "url:value %s= 'http://x'" % neg
    c = rnd.choice(["name", "pid", "cl"])
    if c == "pid": return "process:pid %s%s" % (neg, rnd.choice(["= 4", "> 2", "IN ()", "= '4'", "< 1.5"]))
    if c == "cl": return "process:command_line %sMATCHES %s" % (neg, q(rnd.choice(["-x$", "^a", "exe"])))
    return "process:name %s= %s" % (neg, q(rnd.choice(NAMES)))

def comp_expr(d=0):
    if d < 2 and rnd.random() < .45:
        parts = [comp_expr(d + 1) for _ in range(rnd.randint(2, 3))]
        e = (" %s " % rnd.choice(["AND", "OR"])).join(parts)
        return "(" + e + ")" if d > 0 else e
    return comparison()

def quals():
    out = []
    for kind in rnd.sample(["W", "R", "S"], rnd.randint(0, 2)):
        if kind == "W": out.append(" WITHIN %d SECONDS" % rnd.choice([1, 5, 10, 30]))
        if kind == "R": out.append(" REPEATS %d TIMES" % rnd.choice([2, 3]))
        if kind == "S":
            a = rnd.randint(0, 3); b = rnd.randint(a + 1, 4)
            out.append(" START t%s STOP t%s" % (q(TIMES[a]), q(TIMES[b])))
    return "".join(out)

def obs_expr(d=0):
    if d < 2 and rnd.random() < .4:
        parts = [obs_expr(d + 1) for _ in range(2)]
        e = (" %s " % rnd.choice(["AND", "OR", "FOLLOWEDBY"])).join(parts)
        qq = quals() if rnd.random() < .5 else ""
        return "(" + e + ")" + qq if (d > 0 or qq) else e
    return "[" + comp_expr() + "]" + (quals() if rnd.random() < .4 else "")

stats = {"same": 0, "diff": 0}
tmp = tempfile.mkdtemp()
for i in range(N):
    pat = obs_expr(); obs = observations()
    try:
        r = ref_match(pat, [copy.deepcopy(obs)], stix_version="2.1")
        ref = "match" if r else "no_match"
    except Exception as e:
        ref = "error:" + type(e).__name__ + ":" + str(e)[:60]
    path = os.path.join(tmp, "o.json")
    json.dump(obs, open(path, "w"))
    p = subprocess.run([CLI, "pattern", "match", pat, path], capture_output=True, text=True)
    ours = {0: "match", 1: "no_match"}.get(p.returncode, "error:" + p.stderr.strip()[:100])
    if ours.split(":")[0] == ref.split(":")[0]:
        stats["same"] += 1
    else:
        stats["diff"] += 1
        print("DIFF ref=%s ours=%s\n  %s" % (ref, ours, pat))
        print("  (pattern and observations kept in %s)" % tmp)
        json.dump({"pattern": pat, "observations": obs, "ref": ref, "ours": ours}, open(os.path.join(tmp, "diff_%d_%d.json" % (seed, i)), "w"))
print(stats)
