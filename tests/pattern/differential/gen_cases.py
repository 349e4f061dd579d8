#!/usr/bin/env python3
"""Seeded generator of random STIX 2.1 patterns and observations of the shapes CTI uses.

Each case is one pattern and one record (what `entente pattern match PATTERN FILE` reads
and what one line of `entente match --observations` holds): usually a STIX 2.1 bundle of
observed-data with `object_refs` and the SCOs they name (STIX 2.1 section 4.1 / 6.x),
sometimes a bare SCO, a bundle of SCOs only, a JSON array, or one observed-data with the
deprecated embedded `objects` dictionary.

Shapes: ipv4-addr / ipv6-addr values and CIDR blocks, domain-name with resolves_to_refs,
url, file (name, size, MD5 / SHA-1 / SHA-256 hashes, parent_directory_ref), directory,
email-addr, email-message (from_ref, to_refs, subject, date, is_multipart),
network-traffic (src_ref, dst_ref, ports, protocols, start), process (pid, command_line,
binary_ref, created_time), x509-certificate (hashes, serial_number, issuer), artifact
(payload_bin, mime_type).

Patterns: every comparison operator of STIX 2.1 section 9.4 (=, !=, <, <=, >, >=, IN,
LIKE, MATCHES, ISSUBSET, ISSUPERSET, EXISTS) and their NOT forms, AND/OR inside brackets
(section 9.3), AND/OR/FOLLOWEDBY between observation expressions with WITHIN, REPEATS and
START/STOP (section 9.5), object paths through references and list indexes (section
9.2). Constants are drawn from the record's own values most of the time (so a good share
of cases match), sometimes of a mismatching type, and strings sometimes carry non-ASCII
text composed or decomposed ("é" as U+00E9 or as "e" + U+0301, section 9.4's NFC rule).

Deterministic: the same seed and count give the same cases (Python 3 standard library
only, random.Random(seed)). Usage:
  gen_cases.py --seed 1 --count 1000 [--out cases.jsonl]
Each line: {"case": n, "pattern": "...", "record": {...}, "tags": [...]}
"""
import argparse
import base64
import datetime
import json
import random
import sys
import unicodedata

BASE_EPOCH = 1704067200  # 2024-01-01T00:00:00Z

# Non-ASCII words, written in NFC here; Gen.text() sometimes decomposes them.
ACCENTED = ["café", "résumé", "naïve", "Ångström", "señor", "Zürich", "façade", "crème",
            "Kilo"]
WORDS = ["alpha", "bravo", "delta", "invoice", "update", "login", "secure", "mail",
         "report", "cdn", "files", "portal", "bank", "vpn", "dropper", "beacon"]
TLDS = ["com", "net", "org", "example", "io", "ru"]
PROTOCOLS = ["tcp", "udp", "http", "https", "dns", "tls", "ipv4", "ipv6"]
EXTS = ["exe", "dll", "pdf", "docx", "zip", "ps1", "js"]


def ts_text(seconds, frac=False):
    t = datetime.datetime.fromtimestamp(BASE_EPOCH + seconds, tz=datetime.timezone.utc)
    text = t.strftime("%Y-%m-%dT%H:%M:%S")
    return text + (".000Z" if frac else "Z")


def quote(text):
    """A STIX string literal: '...' with \\ and \' escaped."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def regex_escape(text):
    out = []
    for ch in text:
        if ch in ".^$*+?()[]{}|\\/-":
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def path_text(obj_type, steps):
    """steps: list of str (key) or int (index) or '*'."""
    out = obj_type + ":"
    first = True
    for s in steps:
        if isinstance(s, int):
            out += "[%d]" % s
        elif s == "*":
            out += "[*]"
        else:
            plain = s.replace("_", "a").isalnum() and s.isascii() and not s[0].isdigit()
            key = s if plain else quote(s)
            out += key if first else "." + key
        first = False
    return out


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.case_no = 0
        self.serial = 0
        self.simple = False

    # ---- values -------------------------------------------------------------------

    def chance(self, p):
        return self.r.random() < p

    def uuid(self):
        self.serial += 1
        return "%08x-%04x-4%03x-8%03x-%012x" % (self.case_no, self.serial,
                                               self.r.getrandbits(12), self.r.getrandbits(12),
                                               self.r.getrandbits(48))

    def text(self, word):
        """`word` in NFC, or (sometimes) decomposed; "Kilo" sometimes with U+212A KELVIN
        SIGN, whose NFC form is the ASCII "K"."""
        if word == "Kilo" and self.chance(0.5):
            return "\u212Ailo"
        if not word.isascii() and self.chance(0.5):
            return unicodedata.normalize("NFD", word)
        return word

    def word(self):
        if self.chance(0.12):
            return self.text(self.r.choice(ACCENTED))
        return self.r.choice(WORDS)

    def ipv4(self):
        net = self.r.choice(["198.51.100", "203.0.113", "192.0.2", "10.1.%d" % self.r.randrange(4)])
        return "%s.%d" % (net, self.r.randrange(1, 255))

    # Address texts at the edges of what an IP address or CIDR block is (leading zeros,
    # an empty or too long prefix, a trailing space, IPv4-mapped IPv6).
    EDGE_IPS = ["198.51.100.7/024", "198.51.100.7/", "198.051.100.7", "198.51.100.7 ",
                "::ffff:198.51.100.7", "198.51.100.7/33", "2001:db8::1/0129", "198.51.100.7/0",
                "198.51.100.07", "2001:DB8::1", "2001:db8:0:0:0:0:0:1"]

    def ipv4_value(self):
        if self.chance(0.04):
            return self.r.choice(self.EDGE_IPS)
        ip = self.ipv4()
        if self.chance(0.1):
            prefix = self.r.choice([24, 28, 32, 16])
            parts = ip.split(".")
            if prefix == 24:
                parts[3] = "0"
            if prefix == 16:
                parts[2] = parts[3] = "0"
            if prefix == 28:
                parts[3] = str(int(parts[3]) & 0xF0)
            return ".".join(parts) + "/%d" % prefix
        return ip

    def ipv6_value(self):
        v = "2001:db8:%x::%x" % (self.r.randrange(4), self.r.randrange(1, 0xffff))
        if self.chance(0.1):
            return "2001:db8:%x::/48" % self.r.randrange(4)
        return v

    def domain(self):
        labels = [self.word() for _ in range(self.r.choice([1, 1, 2]))]
        return ".".join(labels + [self.r.choice(TLDS)])

    def url(self):
        path = "/".join(self.word() for _ in range(self.r.randrange(0, 3)))
        u = "%s://%s/%s" % (self.r.choice(["http", "https"]), self.domain(), path)
        if self.chance(0.3):
            u += "?id=%d&ref=%s" % (self.r.randrange(1000), self.word())
        if self.chance(0.04):  # longer than the index scans in one batched call
            u += "&q=" + "".join(self.word() for _ in range(40))
        return u

    def hexstr(self, n):
        s = "".join(self.r.choice("0123456789abcdef") for _ in range(n))
        return s.upper() if self.chance(0.1) else s

    def hashes(self):
        h = {}
        for name, n in (("MD5", 32), ("SHA-1", 40), ("SHA-256", 64)):
            if self.chance(0.6) or not h:
                h[name] = self.hexstr(n)
        return h

    def filename(self):
        stem = self.word()
        if self.chance(0.3):
            stem += "_%d" % self.r.randrange(2020, 2026)
        return "%s.%s" % (stem, self.r.choice(EXTS))

    # ---- objects ------------------------------------------------------------------

    def sco(self, typ, objs, **props):
        o = {"type": typ, "spec_version": "2.1", "id": "%s--%s" % (typ, self.uuid())}
        o.update(props)
        objs.append(o)
        return o

    def make_root(self, objs):
        """Appends one root SCO (and the SCOs it references) to objs; returns the root."""
        kind = self.r.choice(["ipv4", "ipv4", "ipv6", "domain", "domain", "url", "url", "file",
                              "file", "email-addr", "email-message", "network-traffic",
                              "network-traffic", "process", "x509", "artifact"])
        if kind == "ipv4":
            return self.sco("ipv4-addr", objs, value=self.ipv4_value())
        if kind == "ipv6":
            return self.sco("ipv6-addr", objs, value=self.ipv6_value())
        if kind == "domain":
            props = {"value": self.domain()}
            if self.chance(0.4):
                ip = self.sco("ipv4-addr", objs, value=self.ipv4())
                props["resolves_to_refs"] = [ip["id"]]
            return self.sco("domain-name", objs, **props)
        if kind == "url":
            return self.sco("url", objs, value=self.url())
        if kind == "file":
            return self.make_file(objs)
        if kind == "email-addr":
            props = {"value": "%s@%s" % (self.word(), self.domain())}
            if self.chance(0.5):
                props["display_name"] = "%s %s" % (self.word().title(), self.word().title())
            return self.sco("email-addr", objs, **props)
        if kind == "email-message":
            sender = self.sco("email-addr", objs, value="%s@%s" % (self.word(), self.domain()))
            to = [self.sco("email-addr", objs, value="%s@%s" % (self.word(), self.domain()))["id"]
                  for _ in range(self.r.randrange(1, 3))]
            props = {"is_multipart": self.chance(0.5), "from_ref": sender["id"], "to_refs": to,
                     "subject": "%s%s%s" % (self.word(), "\n" if self.chance(0.1) else " ",
                                            self.word()),
                     "date": ts_text(self.r.randrange(0, 86400))}
            return self.sco("email-message", objs, **props)
        if kind == "network-traffic":
            src = self.sco("ipv4-addr", objs, value=self.ipv4()) if self.chance(0.8) else \
                self.sco("ipv6-addr", objs, value=self.ipv6_value())
            dst = self.sco("ipv4-addr", objs, value=self.ipv4()) if self.chance(0.7) else \
                self.sco("domain-name", objs, value=self.domain())
            props = {"src_ref": src["id"], "dst_ref": dst["id"],
                     "protocols": self.r.sample(PROTOCOLS, self.r.randrange(1, 4))}
            if self.chance(0.8):
                props["dst_port"] = self.r.choice([53, 80, 443, 8080, 4444])
            if self.chance(0.5):
                props["src_port"] = self.r.randrange(1024, 65536)
            if self.chance(0.4):
                props["start"] = ts_text(self.r.randrange(0, 86400), frac=self.chance(0.5))
            return self.sco("network-traffic", objs, **props)
        if kind == "process":
            binary = self.make_file(objs)
            cmd = "%s -%s %s" % (binary.get("name", "a.exe"), self.r.choice("acex"), self.url())
            props = {"pid": self.r.randrange(1, 40000), "command_line": cmd,
                     "binary_ref": binary["id"]}
            if self.chance(0.4):
                props["created_time"] = ts_text(self.r.randrange(0, 86400))
            return self.sco("process", objs, **props)
        if kind == "x509":
            props = {"hashes": {"SHA-256": self.hexstr(64), "SHA-1": self.hexstr(40)},
                     "serial_number": ":".join(self.hexstr(2) for _ in range(6)),
                     "issuer": "CN=%s, O=%s" % (self.domain(), self.word())}
            return self.sco("x509-certificate", objs, **props)
        payload = ("%s %s" % (self.word(), self.word())).encode("utf-8")
        if self.chance(0.3):
            payload += bytes([0xd4, 0x7f, 0x41])
        return self.sco("artifact", objs, payload_bin=base64.b64encode(payload).decode("ascii"),
                        mime_type=self.r.choice(["text/plain", "application/octet-stream"]))

    def make_file(self, objs):
        props = {"name": self.text(self.filename())}
        if self.chance(0.7):
            props["size"] = self.r.choice([0, 1, 1024, 65536, self.r.randrange(1, 10 ** 7)])
        if self.chance(0.8):
            props["hashes"] = self.hashes()
        if self.chance(0.3):
            d = self.sco("directory", objs, path="C:\\Users\\%s\\%s" % (self.word(), self.word()))
            props["parent_directory_ref"] = d["id"]
        return self.sco("file", objs, **props)

    def observed_data(self, refs, start):
        first = start
        last = first + self.r.choice([0, 0, 5, 30, 120])
        return {"type": "observed-data", "spec_version": "2.1",
                "id": "observed-data--%s" % self.uuid(),
                "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z",
                "first_observed": ts_text(first), "last_observed": ts_text(last),
                "number_observed": self.r.choice([1, 1, 1, 2, 3]), "object_refs": refs}

    def record(self):
        """Returns (record, roots): roots are the SCOs patterns start from."""
        shape = self.r.random()
        if shape < 0.08:  # one bare SCO (its references resolve to nothing)
            objs = []
            root = self.make_root(objs)
            return root, [root], objs
        if shape < 0.13:  # a bundle of SCOs only: every object is its own observation
            objs = []
            for _ in range(self.r.randrange(1, 4)):
                self.make_root(objs)
            self.r.shuffle(objs)
            return {"type": "bundle", "id": "bundle--%s" % self.uuid(), "objects": objs}, \
                objs, objs
        n_obs = self.r.choice([1, 1, 1, 2, 2, 3])
        objs, ods, roots = [], [], []
        t = self.r.randrange(0, 3600)
        for _ in range(n_obs):
            mine = []
            for _ in range(self.r.choice([1, 1, 2, 3])):
                self.make_root(mine)
            refs = [o["id"] for o in mine]
            if self.chance(0.1) and len(refs) > 1:
                refs = refs[-1:]  # referenced SCOs only in the bundle, not in object_refs
            ods.append(self.observed_data(refs, t))
            t += self.r.choice([0, 10, 60, 600, 4000])
            roots.extend(o for o in mine if o["id"] in refs)
            objs.extend(mine)
        if self.chance(0.05) and n_obs == 1:  # one observed-data, 2.0 embedded objects
            od = ods[0]
            del od["object_refs"]
            keyed = {}
            for i, o in enumerate(objs):
                keyed[str(i)] = {k: v for k, v in o.items() if k not in ("id", "spec_version")}
            ids = {o["id"]: str(i) for i, o in enumerate(objs)}
            for o in keyed.values():
                for k, v in list(o.items()):
                    if k.endswith("_ref") and v in ids:
                        o[k] = ids[v]
                    elif k.endswith("_refs"):
                        o[k] = [ids.get(x, x) for x in v]
            od["objects"] = keyed
            return od, list(keyed.values()), list(keyed.values())
        if self.chance(0.015):
            # One observed-data of the bundle malformed (STIX 2.1 section 4.14 requires
            # object_refs, a list): the evaluator refuses the whole record.
            bad = self.r.choice(ods)
            form = self.r.randrange(3)
            if form == 0:
                bad["object_refs"] = bad["object_refs"][0]
            elif form == 1:
                del bad["object_refs"]
            else:
                del bad["object_refs"]
                bad["objects"] = ["not a dictionary"]
        items = objs + ods
        self.r.shuffle(items)
        if self.chance(0.05):
            return items, roots, objs
        return {"type": "bundle", "id": "bundle--%s" % self.uuid(), "objects": items}, roots, objs

    # ---- facts: (object type, path steps, value) a pattern may test ----------------

    def facts(self, roots, objs):
        by_id = {o.get("id"): o for o in objs if "id" in o}
        local = {}
        out = []

        def walk(typ, steps, value, depth):
            if isinstance(value, (dict, list)) and steps and self.chance(0.04):
                out.append((typ, steps, value))  # a path ending on a list or dictionary
            if isinstance(value, dict):
                for k, v in value.items():
                    walk(typ, steps + [k], v, depth)
            elif isinstance(value, list):
                for i, v in enumerate(value):
                    walk(typ, steps + [self.r.choice([i, "*"])], v, depth)
            else:
                key = [s for s in steps if isinstance(s, str) and s != "*"]
                last = key[-1] if key else ""
                if last in ("type", "id", "spec_version"):
                    return
                if depth < 1 and isinstance(value, str) and self.r.random() > 0.08 and \
                        (last.endswith("_ref") or
                                                            (steps and steps[-2:-1] and
                                                             str(steps[-2]).endswith("_refs"))):
                    target = by_id.get(value) or local.get(value)
                    if target is not None:
                        for k, v in target.items():
                            if k in ("type", "id", "spec_version"):
                                continue
                            walk(typ, steps + [k], v, depth + 1)
                    return
                out.append((typ, steps, value))

        for r in roots:
            walk(r.get("type", "x"), [], {k: v for k, v in r.items()}, 0)
        return out

    # ---- constants ------------------------------------------------------------------

    def other_value(self, value):
        """A value of the same kind that is probably different."""
        if isinstance(value, bool):
            return not value
        if isinstance(value, int):
            return value + self.r.choice([-1, 1, 1000])
        if isinstance(value, str):
            if "." in value and value.replace(".", "").replace("/", "").isdigit():
                return self.ipv4()
            if len(value) in (32, 40, 64) and all(c in "0123456789abcdefABCDEF" for c in value):
                return self.hexstr(len(value))
            return self.r.choice([value + "x", value[:-1], value.upper(), self.domain(),
                                  unicodedata.normalize("NFD", value)])
        return value

    def str_const(self, value):
        v = value if self.chance(0.7) else self.other_value(value)
        if isinstance(v, str) and not v.isascii() and self.chance(0.5):
            v = unicodedata.normalize(self.r.choice(["NFC", "NFD"]), v)
        return v

    def literal(self, v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int):
            return str(v)
        if isinstance(v, float):
            return repr(v)
        return quote(v)

    def mismatched(self, value):
        if isinstance(value, bool):
            return self.r.choice(["'true'", "1"])
        if isinstance(value, int):
            return self.r.choice([quote(str(value)), "true", "t'2024-01-01T00:00:00Z'"])
        return self.r.choice(["42", "true", "4.5", "h'41'", "b'QQ=='"])

    def like_of(self, v):
        if not v:
            return "%"
        i = self.r.randrange(0, len(v) + 1)
        j = self.r.randrange(i, len(v) + 1)
        form = self.r.randrange(6)
        if form == 0:
            return v[:i] + "%"
        if form == 1:
            return "%" + v[j:]
        if form == 2:
            return "%" + v[i:j] + "%"
        if form == 3:
            return v[:i] + "%" + v[j:]
        if form == 4 and len(v) > 0:
            k = self.r.randrange(len(v))
            return v[:k] + "_" + v[k + 1:]
        return v

    def regex_of(self, v):
        if not v:
            return "^$"
        i = self.r.randrange(0, len(v))
        j = self.r.randrange(i, len(v) + 1)
        form = self.r.randrange(7)
        if form == 0:
            return "^" + regex_escape(v[:j])
        if form == 1:
            return regex_escape(v[i:]) + "$"
        if form == 2:
            return regex_escape(v[i:j])
        if form == 3 and all(c in "0123456789abcdefABCDEF" for c in v):
            return "^[0-9a-fA-F]{%d}$" % len(v)
        if form == 4:
            return "(?i)" + regex_escape(v[i:j].upper())
        if form == 5:
            return "^" + regex_escape(v[:i]) + ".*" + regex_escape(v[j:]) + "$"
        return "^" + regex_escape(v) + "$"

    def cidr_containing(self, v, v6):
        if v6:
            if "/" in v:
                return self.r.choice([v, "2001:db8::/32", "2001:db8:%x::/48" % self.r.randrange(4)])
            return self.r.choice([v, v + "/128", "2001:db8::/32", "2001:db9::/32"])
        ip = v.split("/")[0]
        a, b, c, d = ip.split(".")
        return self.r.choice([ip, ip + "/32", "%s.%s.%s.0/24" % (a, b, c), "%s.%s.0.0/16" % (a, b),
                              "%s.0.0.0/8" % a, "0.0.0.0/0", "%s.%s.%s.0/25" % (a, b, c),
                              "198.51.100.0/24", "192.0.2.128/25"])

    def comparison(self, fact, tags):
        typ, steps, value = fact
        path = path_text(typ, steps)
        key = next((s for s in reversed(steps) if isinstance(s, str) and s != "*"), "")
        neg = "NOT " if self.chance(0.15) and not self.simple else ""
        if neg:
            tags.add("not")
        if self.simple and isinstance(value, str) and not key.endswith("_bin"):
            return self.leaf_comparison(path, typ, key, value, tags)
        if self.chance(0.06):
            tags.add("exists")
            return "EXISTS " + path
        if self.chance(0.07):
            tags.add("mismatch")
            op = self.r.choice(["=", "!=", "<", ">=", "=", "!="])
            if op == "!=" and neg:
                neg = ""
            c = self.mismatched(value)
            if op in ("<", ">=") and c in ("true", "'true'"):
                c = "42"
            return "%s %s%s %s" % (path, neg, op, c)
        if isinstance(value, bool):
            op = self.r.choice(["=", "!="])
            return "%s %s%s %s" % (path, neg, op, self.literal(self.r.choice([value, not value])))
        if isinstance(value, int):
            op = self.r.choice(["=", "!=", "<", "<=", ">", ">=", "IN"])
            if op == "IN":
                members = {self.str_const(value) for _ in range(self.r.randrange(1, 4))}
                return "%s %sIN (%s)" % (path, neg, ", ".join(self.literal(m) for m in sorted(members)))
            return "%s %s%s %s" % (path, neg, op, self.literal(self.str_const(value)))
        if not isinstance(value, str):
            tags.add("container")
            c = self.r.choice(["'tcp'", quote(json.dumps(value)[:20]), "1"])
            return self.r.choice(["EXISTS " + path, "%s %s= %s" % (path, neg, c),
                                  "%s %s!= %s" % (path, neg, c)])
        is_ts = len(value) >= 20 and value[4:5] == "-" and value[10:11] == "T"
        if is_ts:
            tags.add("timestamp")
            sec = self.r.randrange(0, 86400)
            op = self.r.choice(["=", "<", ">", "<=", ">=", "!="])
            const = "t'%s'" % (value if self.chance(0.4) else ts_text(sec))
            if self.chance(0.2):
                const = quote(value)
            return "%s %s%s %s" % (path, neg, op, const)
        if key.endswith("_bin"):
            tags.add("binary")
            raw = base64.b64decode(value)
            form = self.r.randrange(4)
            if form == 0:
                return "%s %s= b'%s'" % (path, neg, base64.b64encode(raw if self.chance(0.6) else raw + b"x").decode())
            if form == 1:
                return "%s %s= h'%s'" % (path, neg, raw.hex())
            if form == 2:
                return "%s %s= %s" % (path, neg, quote(raw.decode("latin-1") if self.chance(0.5) else value))
            return "%s %sMATCHES %s" % (path, neg, quote(regex_escape(raw[:4].decode("latin-1"))))
        is_ip = typ in ("ipv4-addr", "ipv6-addr") or (key == "value" and value[:1].isdigit() and "." in value) \
            or value.startswith("2001:db8")
        ops = ["=", "=", "=", "!=", "IN", "LIKE", "LIKE", "MATCHES", "MATCHES", "<", ">=", ">", "<="]
        if is_ip and "." in value or ":" in value and is_ip:
            ops += ["ISSUBSET", "ISSUBSET", "ISSUBSET", "ISSUPERSET"]
        op = self.r.choice(ops)
        if not value.isascii():
            tags.add("non-ascii")
        if op in ("ISSUBSET", "ISSUPERSET"):
            tags.add("cidr")
            v6 = ":" in value
            if op == "ISSUBSET":
                c = self.cidr_containing(value, v6) if self.chance(0.75) else \
                    (self.ipv6_value() if v6 else self.ipv4() + "/30")
            else:
                if "/" in value:
                    net = value.split("/")[0]
                    c = self.r.choice([value, net, net[:-1] + "7" if not v6 else net + "1"])
                else:
                    c = self.r.choice([value, value + ("/128" if v6 else "/32"), self.ipv4()])
            return "%s %s%s %s" % (path, neg, op, quote(c))
        if op == "IN":
            members = [self.str_const(value) for _ in range(self.r.randrange(0 if self.chance(0.05) else 1, 4))]
            if not members:
                tags.add("empty-set")
            return "%s %sIN (%s)" % (path, neg, ", ".join(quote(m) for m in members))
        if op == "LIKE":
            tags.add("like")
            return "%s %sLIKE %s" % (path, neg, quote(self.like_of(self.str_const(value))))
        if op == "MATCHES":
            tags.add("matches")
            return "%s %sMATCHES %s" % (path, neg, quote(self.regex_of(self.str_const(value))))
        return "%s %s%s %s" % (path, neg, op, quote(self.str_const(value)))

    def leaf_comparison(self, path, typ, key, value, tags):
        """A comparison of the shapes feeds are made of: = / IN / LIKE / MATCHES / ISSUBSET
        with string constants (what the compiled index answers by itself)."""
        if not value.isascii():
            tags.add("non-ascii")
        is_ip = typ in ("ipv4-addr", "ipv6-addr") and key == "value"
        op = self.r.choice(["=", "=", "=", "IN", "LIKE", "MATCHES"] + (["ISSUBSET"] * 3 if is_ip else []))
        if op == "ISSUBSET":
            tags.add("cidr")
            v6 = ":" in value
            c = self.cidr_containing(value, v6) if self.chance(0.75) else \
                (self.ipv6_value() if v6 else self.ipv4() + "/30")
            return "%s ISSUBSET %s" % (path, quote(c))
        if op == "IN":
            members = [self.str_const(value) for _ in range(self.r.randrange(1, 4))]
            return "%s IN (%s)" % (path, ", ".join(quote(m) for m in members))
        if op == "LIKE":
            tags.add("like")
            return "%s LIKE %s" % (path, quote(self.like_of(self.str_const(value))))
        if op == "MATCHES":
            tags.add("matches")
            return "%s MATCHES %s" % (path, quote(self.regex_of(self.str_const(value))))
        return "%s %s %s" % (path, self.r.choice(["=", "=="]) if self.chance(0.1) else "=",
                             quote(self.str_const(value)))

    # ---- expressions ----------------------------------------------------------------

    def comparison_expr(self, facts, other_facts, tags):
        n = self.r.choice([1, 1, 1, 2, 2, 3])
        # Mostly facts of one root object, so that AND inside a bracket can hold.
        picked = []
        anchor = self.r.choice(facts) if facts else self.r.choice(other_facts)
        for _ in range(n):
            if self.chance(0.12) and other_facts:
                picked.append(self.r.choice(other_facts))
                tags.add("foreign")
            elif self.chance(0.7):
                same = [f for f in facts if f[0] == anchor[0]]
                picked.append(self.r.choice(same or facts or other_facts))
            else:
                picked.append(self.r.choice(facts or other_facts))
        if len({f[0] for f in picked}) > 1:
            tags.add("mixed-types")
        parts = [self.comparison(f, tags) for f in picked]
        expr = parts[0]
        for p in parts[1:]:
            op = "OR" if self.simple else self.r.choice(["AND", "OR"])
            tags.add("cmp-" + op.lower())
            if self.chance(0.3):
                expr = "(%s) %s %s" % (expr, op, p)
            else:
                expr = "%s %s %s" % (expr, op, p)
        return "[" + expr + "]"

    def qualifier(self, tags, used):
        kinds = [k for k in ("WITHIN", "REPEATS", "START") if k not in used]
        if not kinds:
            return ""
        k = self.r.choice(kinds)
        used.add(k)
        tags.add(k.lower())
        if k == "WITHIN":
            return " WITHIN %s SECONDS" % self.r.choice(["1", "5", "60", "300", "3600", "0.5", "86400"])
        if k == "REPEATS":
            return " REPEATS %d TIMES" % self.r.choice([1, 2, 2, 3])
        a = self.r.randrange(0, 7200)
        b = a + self.r.choice([1, 60, 3600, 86400])
        return " START t'%s' STOP t'%s'" % (ts_text(a), ts_text(b))

    def observation_expr(self, facts, other_facts, tags, depth=0):
        n = self.r.choice([1, 1, 1, 2, 2, 3]) if depth == 0 else self.r.choice([1, 1, 2])
        parts = []
        for _ in range(n):
            if depth == 0 and n > 1 and self.chance(0.15):
                sub = self.observation_expr(facts, other_facts, tags, depth + 1)
                parts.append("(" + sub + ")")
            else:
                parts.append(self.comparison_expr(facts, other_facts, tags))
            if self.chance(0.15):
                used = set()
                parts[-1] += self.qualifier(tags, used)
        expr = parts[0]
        for p in parts[1:]:
            op = self.r.choice(["AND", "OR", "FOLLOWEDBY"])
            tags.add("obs-" + op.lower())
            expr = "%s %s %s" % (expr, op, p)
        if self.chance(0.2) and depth == 0:
            used = set()
            q = self.qualifier(tags, used)
            if n > 1 or self.chance(0.5):
                expr = "(" + expr + ")" + q
            else:
                expr = expr + q
            if self.chance(0.2):
                expr += self.qualifier(tags, used)
        return expr

    def case(self, n, previous_facts):
        self.case_no = n
        self.serial = 0
        tags = set()
        record, roots, objs = self.record()
        facts = self.facts(roots, objs)
        other = previous_facts[-200:]
        # About a third are the shapes feeds are mostly made of: one bracket, an OR of
        # equality / IN / LIKE / MATCHES / ISSUBSET comparisons with string constants.
        self.simple = self.chance(0.35)
        if self.simple:
            tags.add("feed-shape")
            pattern = self.comparison_expr(facts, other, tags)
        else:
            pattern = self.observation_expr(facts, other, tags)
        previous_facts.extend(facts[:5])
        shape = "bundle"
        if isinstance(record, list):
            shape = "array"
        elif record.get("type") == "observed-data":
            shape = "embedded"
        elif record.get("type") != "bundle":
            shape = "bare-sco"
        elif not any(o.get("type") == "observed-data" for o in record["objects"]):
            shape = "sco-bundle"
        tags.add("record-" + shape)
        return {"case": n, "pattern": pattern, "record": record, "tags": sorted(tags)}


def generate(seed, count):
    g = Gen(seed)
    prev = []
    return [g.case(n, prev) for n in range(count)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--out", help="file to write (default: standard output)")
    args = ap.parse_args()
    lines = [json.dumps(c, ensure_ascii=False, sort_keys=True) + "\n"
             for c in generate(args.seed, args.count)]
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.writelines(lines)
    else:
        sys.stdout.writelines(lines)


if __name__ == "__main__":
    main()
