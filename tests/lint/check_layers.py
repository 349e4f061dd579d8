#!/usr/bin/env python3
"""The house rules of src/ and include/entente/, checked on every file (see src/README.md).

1. Includes run down the layers only: a folder includes its own headers, the public
   headers (include/entente/) and the folders LAYERS lists for it, nothing else. A
   folder under src/ that LAYERS does not list, or that src/README.md does not describe,
   is reported too, and so is a row of the include table in src/README.md that says
   something else than LAYERS: the table, the README and the tree stay one map.
2. Only cli/ prints or exits: no std::cout/cerr/clog, printf/puts/putchar/perror, no
   fprintf/fputs/fwrite/fputc to stdout or stderr, no exit/_exit/_Exit/quick_exit/abort
   (with or without std::) anywhere else, except in unit tests (*_test.cc) and the files
   PRINT_ALLOWED lists with the reason. Comments and string literals do not count.
3. Every header opens with its contract: a comment block of at least two lines, before
   `#pragma once`.

Usage:
  check_layers.py REPO              check REPO/src and REPO/include/entente; exit 1 on any
                                    finding, each printed as FILE:LINE: message
  check_layers.py --self-test [REPO]
                                    plant one violation of each kind (in a small file set,
                                    and in a copy of REPO's files when given) and check that
                                    each is reported where it was planted; exit 1 if not
Python 3 standard library only.
"""
import os
import re
import sys

# Which folders each folder of src/ may include, besides its own and include/entente/.
# This is the table of src/README.md ("Which way includes run"); change both together.
# Lower layers first: the object model, the engine and the gate know nothing of storage,
# protocols or the command line; storage knows no protocol; the HTTP plumbing knows no
# TAXII; TAXII knows no federation; nothing but cli/ includes cli/.
PUBLIC = "entente"  # include/entente/: the public headers, for everyone
LAYERS = {
    "common": (),
    "telemetry": ("common",),
    "sightings": ("common", "telemetry", "stix", "pattern", "policy"),
    "stix": ("common",),
    "pattern": ("common", "stix"),
    "policy": ("common", "stix"),
    "store": ("common", "stix", "policy"),
    "audit": ("common", "stix"),
    "sensor": ("common", "stix", "pattern", "policy", "store"),
    "admission": ("common", "stix", "pattern", "policy", "store", "audit"),
    "cases": ("common", "stix", "pattern", "policy", "store", "audit", "admission"),
    "http": ("common",),
    "taxii": ("common", "stix", "pattern", "policy", "store", "audit", "admission", "cases",
              "http"),
    "federation": ("common", "stix", "pattern", "policy", "store", "audit", "admission", "cases",
                   "http", "taxii"),
    "admin": ("common", "stix", "pattern", "policy", "store", "audit", "admission", "cases", "http",
              "taxii", "federation"),
    "web": ("common", "stix", "pattern", "policy", "store", "audit", "admission", "cases", "http",
            "taxii", "federation", "admin"),
    "cli": ("common", "audit", "telemetry", "sightings", "sensor", "stix", "pattern", "policy", "store", "admission", "cases", "http", "taxii",
            "federation", "admin", "web"),
}
PUBLIC_MAY_INCLUDE = ()  # include/entente/ stands on the standard library alone

# Files outside cli/ that may print or exit, each with the reason. Unit tests
# (*_test.cc) may always.
PRINT_ALLOWED = {}

SOURCE_EXTENSIONS = (".h", ".hh", ".hpp", ".cc", ".cpp", ".cxx", ".c", ".inc")

PRINT_OR_EXIT = [
    (re.compile(r"\b(std\s*::\s*(?:cout|cerr|clog|wcout|wcerr))\b"), "prints ({0})"),
    (re.compile(r"(?<![\w.>:])((?:std\s*::\s*)?(?:printf|puts|putchar|perror|vprintf))\s*\("),
     "prints ({0})"),
    (re.compile(r"(?<![\w.>:])((?:std\s*::\s*)?(?:v?fprintf|fputs|fputc|putc|fwrite)\s*\("
                r"[^;]*?\b(?:stdout|stderr)\b)"), "prints to stdout/stderr ({0})"),
    (re.compile(r"(?<![\w.>])((?:std\s*::\s*)?(?:exit|_exit|_Exit|quick_exit|abort))\s*\("),
     "exits ({0})"),
]


def folder_of(rel):
    """'src/pattern/index/x.h' -> 'pattern'; 'include/entente/status.h' -> 'entente'."""
    parts = rel.split("/")
    if parts[0] == "include":
        return PUBLIC
    return parts[1] if len(parts) > 2 else ""


def blank_comments_and_strings(text):
    """The text with comments and string/char literals replaced by spaces (newlines kept),
    so that line numbers stay right and `exit(` in a comment or a string is not code."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "R" and text.startswith('R"', i) and (i == 0 or not (text[i - 1].isalnum()
                                                                       or text[i - 1] == "_")):
            m = re.match(r'R"([^(\s\\]{0,16})\(', text[i:])
            if not m:
                out.append(c)
                i += 1
                continue
            end = ")" + m.group(1) + '"'
            j = text.find(end, i + m.end())
            j = n if j < 0 else j + len(end)
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == '"' or (c == "'" and not (i > 0 and text[i - 1].isalnum())):
            # A ' after a digit or letter is a digit separator (1'000) or part of a prefix.
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + " " * (j - i - 2) + (c if j - i >= 2 else ""))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def check_includes(rel, text, folders):
    """Findings for forbidden include edges in one file."""
    found = []
    mine = folder_of(rel)
    if mine == PUBLIC:
        allowed = set(PUBLIC_MAY_INCLUDE)
    elif mine in LAYERS:
        allowed = set(LAYERS[mine])
    else:
        return found  # reported once per folder by check_folders
    for number, line in enumerate(text.splitlines(), 1):
        m = INCLUDE.match(line)
        if not m:
            continue
        bracket, path = m.groups()
        first = path.split("/")[0]
        if "/" not in path:
            continue  # beside the including file, or a system header
        if first == PUBLIC:
            target = PUBLIC
        elif first in folders or first in LAYERS:
            target = first
        else:
            continue  # a third-party or system header (<boost/json.hpp>, <CLI/CLI.hpp>)
        if target == mine or target == PUBLIC or target in allowed:
            continue
        where = "include/entente/" if mine == PUBLIC else mine + "/"
        may = ", ".join(x + "/" for x in sorted(allowed)) or "nothing outside itself"
        found.append((rel, number, f"{where} includes {path}: {target}/ is not below it "
                                   f"({where} may include {may}; see src/README.md)"))
    return found


def print_allowed(rel):
    if folder_of(rel) == "cli":
        return True
    name = rel.rsplit("/", 1)[-1]
    return name.endswith("_test.cc") or rel in PRINT_ALLOWED


def check_print_exit(rel, text):
    found = []
    if print_allowed(rel):
        return found
    code = blank_comments_and_strings(text)
    seen = set()
    for pattern, message in PRINT_OR_EXIT:
        for m in pattern.finditer(code):  # over the whole file: a call may span lines
            number = code.count("\n", 0, m.start()) + 1
            if number in seen:
                continue
            seen.add(number)
            what = re.sub(r"\s+", "", m.group(1).split("(")[0])
            found.append((rel, number, message.format(what) +
                          ": only cli/ prints or exits; return a Status instead"))
    return sorted(found)


def check_contract(rel, text):
    """A header starts with a comment block of at least two lines before #pragma once."""
    if not rel.endswith((".h", ".hh", ".hpp")):
        return []
    lines = text.splitlines()
    comment_lines = 0
    i = 0
    in_block = False
    while i < len(lines):
        s = lines[i].strip()
        if in_block:
            comment_lines += 1
            if "*/" in s:
                in_block = False
        elif s.startswith("//"):
            comment_lines += 1
        elif s.startswith("/*"):
            comment_lines += 1
            in_block = "*/" not in s[2:]
        elif s == "" and comment_lines == 0:
            pass
        else:
            break
        i += 1
    pragma = next((k for k, l in enumerate(lines) if l.strip() == "#pragma once"), None)
    if pragma is None:
        return [(rel, 1, "header has no #pragma once")]
    if comment_lines < 2 or pragma < i:
        return [(rel, 1, "header does not open with its contract: a comment of at least two "
                         "lines before #pragma once (what the type is, whether it is safe "
                         "for concurrent use, who owns what it returns)")]
    return []


def check_folders(folders, readme):
    """Every folder under src/ is in LAYERS and has its paragraph in src/README.md."""
    found = []
    for f in sorted(folders):
        if f not in LAYERS:
            found.append((f"src/{f}/", 1, f"{f}/ is not in the layer table of "
                                          "tests/lint/check_layers.py (LAYERS)"))
        if readme is not None and not re.search(r"^- `" + re.escape(f) + r"/`", readme, re.M):
            found.append(("src/README.md", 1, f"no paragraph for {f}/ (a line starting "
                                              f"with - `{f}/`)"))
    return found


README_ROW = re.compile(r"^\|\s*`([a-z_/]+)/`\s*\|([^|]*)\|\s*$", re.M)


def check_readme_table(readme):
    """The include table of src/README.md says what LAYERS says, row for row."""
    if readme is None:
        return []
    found = []
    rows = {}
    for m in README_ROW.finditer(readme):
        name = m.group(1)
        cell = m.group(2)
        if "every folder" in cell:
            allowed = set(LAYERS) - {name}
        else:
            allowed = set(re.findall(r"`([a-z_]+)/`", cell))
        rows["entente" if name == "include/entente" else name] = allowed
    for name, allowed in list(LAYERS.items()) + [(PUBLIC, PUBLIC_MAY_INCLUDE)]:
        if name not in rows:
            found.append(("src/README.md", 1, f"the include table has no row for {name}/ "
                                              "(tests/lint/check_layers.py LAYERS has one)"))
        elif rows[name] != set(allowed):
            found.append(("src/README.md", 1, f"the include table's row for {name}/ says "
                                              f"{sorted(rows[name])}, LAYERS says "
                                              f"{sorted(allowed)}"))
    return found


def check(files, readme):
    """files: {relative path: text} for src/ and include/entente/. Returns findings."""
    folders = {folder_of(r) for r in files if r.startswith("src/") and folder_of(r)}
    found = check_folders(folders, readme) + check_readme_table(readme)
    for rel in sorted(files):
        text = files[rel]
        found += check_includes(rel, text, folders)
        found += check_print_exit(rel, text)
        found += check_contract(rel, text)
    return found


def read_tree(repo):
    files = {}
    for top in ("src", os.path.join("include", "entente")):
        base = os.path.join(repo, top)
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames.sort()
            for name in sorted(filenames):
                if name.endswith(SOURCE_EXTENSIONS):
                    path = os.path.join(dirpath, name)
                    rel = os.path.relpath(path, repo).replace(os.sep, "/")
                    with open(path, encoding="utf-8", errors="replace") as f:
                        files[rel] = f.read()
    readme = None
    readme_path = os.path.join(repo, "src", "README.md")
    if os.path.exists(readme_path):
        with open(readme_path, encoding="utf-8") as f:
            readme = f.read()
    return files, readme


def report(found):
    for rel, line, message in found:
        print(f"{rel}:{line}: {message}")


def main_check(repo):
    files, readme = read_tree(repo)
    if not files:
        print(f"no source files under {repo}/src")
        return 1
    if readme is None:
        print(f"{repo}/src/README.md: missing (it describes every folder)")
        return 1
    found = check(files, readme)
    report(found)
    print(f"checked {len(files)} files under src/ and include/entente/: "
          f"{len(found)} finding(s)")
    return 1 if found else 0


# ---- self-test -------------------------------------------------------------------------

CONTRACT = "// What this is.\n// Safe for concurrent use; owns nothing it returns.\n#pragma once\n"

CLEAN = {
    "include/entente/status.h": CONTRACT,
    "src/common/env.h": CONTRACT + '#include "entente/status.h"\n',
    "src/stix/stix.h": CONTRACT + '#include "common/env.h"\n#include <boost/json.hpp>\n',
    "src/pattern/parser.h": CONTRACT + '#include "common/env.h"\n#include "lexer.h"\n',
    "src/pattern/index/index.cc": '#include "pattern/parser.h"\n',
    "src/policy/policy.h": CONTRACT + '#include "stix/stix.h"\n',
    "src/store/store.h": CONTRACT + '#include "policy/policy.h"\n',
    "src/http/server.cc": (
        '#include "http/server.h"\n'
        '// Never std::cout here, nor exit(1).\n'
        'const char* k = "printf(\\"x\\") and exit(2) are only text";\n'
        'const char* r = R"(std::cerr << abort())";\n'
        'int n = 1\'000;  // a digit separator, not a character literal\n'
        'void F(App& app) { app.exit(3); logger->abort(); }\n'
        'int G(char* b) { return std::snprintf(b, 4, "%d", 1); }\n'),
    "src/http/server.h": "/* The server.\n   Thread-safe. */\n#pragma once\n",
    "src/taxii/handler.cc": '#include "http/server.h"\n#include "store/store.h"\n',
    "src/federation/sync.cc": '#include "taxii/handler.h"\n',
    "src/cli/main.cc": ('#include "federation/sync.h"\n#include <iostream>\n'
                        'int main() { std::cout << "hi"; std::exit(0); }\n'),
    "src/store/store_test.cc": '#include <cstdio>\nTEST(A, B) { printf("x"); abort(); }\n',
}
README = "".join(f"- `{f}/` — what it is.\n" for f in LAYERS) + "".join(
    f"| `{f}/` | {', '.join('`' + x + '/`' for x in may) or '—'} |\n"
    for f, may in LAYERS.items()) + "| `include/entente/` | — |\n"

# (file, text appended, line of the finding after appending, words the message must hold)
PLANTS = [
    ("src/stix/bad_store.cc", '#include "store/store.h"\n', 1, "stix/ includes store/store.h"),
    ("src/pattern/bad.cc", '\n#include "policy/policy.h"\n', 2, "pattern/ includes"),
    ("src/policy/bad.cc", '#include "store/store.h"\n', 1, "policy/ includes"),
    ("src/policy/bad2.cc", '#include "admission/admit.h"\n', 1, "admission/admit.h"),
    ("src/store/bad.cc", '#include "http/server.h"\n', 1, "store/ includes http/"),
    ("src/store/bad2.cc", '#include "taxii/handler.h"\n', 1, "store/ includes taxii/"),
    ("src/http/bad.cc", '#include "taxii/handler.h"\n', 1, "http/ includes taxii/"),
    ("src/taxii/bad.cc", '#include "federation/sync.h"\n', 1, "taxii/ includes federation/"),
    ("src/federation/bad.cc", '#include "cli/node_util.h"\n', 1, "federation/ includes cli/"),
    ("src/common/bad.cc", '#include "stix/stix.h"\n', 1, "common/ includes stix/"),
    ("include/entente/bad.h", CONTRACT + '#include "common/env.h"\n', 4,
     "include/entente/ includes common/env.h"),
    ("src/stix/print.cc", 'void F() {\n  std::cerr << "x";\n}\n', 2, "prints (std::cerr)"),
    ("src/store/print.cc", 'void F() { printf("%d", 1); }\n', 1, "prints (printf)"),
    ("src/policy/print.cc", 'void F() { std::fprintf(stderr, "x"); }\n', 1,
     "prints to stdout/stderr"),
    ("src/taxii/print.cc", 'void F() { puts("x"); }\n', 1, "prints (puts)"),
    ("src/store/fwrite.cc", 'void F(const std::string& s) {\n  std::fwrite(s.data(), 1,\n'
     '              s.size(), stderr);\n}\n', 2, "prints to stdout/stderr (std::fwrite)"),
    ("src/policy/macro.cc", '#define DIE() abort()\n', 1, "exits (abort)"),
    ("src/http/exit.cc", 'void F() { exit(1); }\n', 1, "exits (exit)"),
    ("src/federation/exit.cc", 'void F() {\n\n  std::abort();\n}\n', 3, "exits (std::abort)"),
    ("src/pattern/exit.cc", 'void F() { _exit(2); }\n', 1, "exits (_exit)"),
    ("src/common/exit.cc", 'void F() { std::exit(2); }\n', 1, "exits (std::exit)"),
    ("src/stix/exit.cc", 'void F() { abort(); }\n', 1, "exits (abort)"),
    ("src/store/no_contract.h", "#pragma once\nint F();\n", 1, "does not open with"),
    ("src/store/short_contract.h", "// One line only.\n#pragma once\n", 1, "does not open with"),
    ("src/store/late_contract.h", "#pragma once\n// A\n// B\n", 1, "does not open with"),
    ("include/entente/no_contract.h", "#pragma once\n", 1, "does not open with"),
    ("src/http/no_pragma.h", "// A\n// B\nint F();\n", 1, "no #pragma once"),
    ("src/unlisted/reader.cc", "int F();\n", 1, "not in the layer table"),
]


def self_test_on(name, files, readme, baseline_ok):
    """Plants each violation alone into `files` and checks that it, and only it, is new."""
    failures = 0
    base = check(files, readme)
    if baseline_ok and base:
        print(f"[{name}] FAIL: the clean set has findings:")
        report(base)
        failures += 1
    base_set = set(base)
    for rel, text, line, words in PLANTS:
        planted = dict(files)
        planted[rel] = planted.get(rel, "") + text
        # An appended include in an existing file lands after its current lines.
        offset = len(files[rel].splitlines()) if rel in files else 0
        new = [f for f in check(planted, readme) if f not in base_set]
        hits = [f for f in new if f[0] == rel and f[1] == line + offset and words in f[2]]
        if rel.startswith("src/unlisted/"):
            hits = [f for f in new if words in f[2]]
        if not hits:
            print(f"[{name}] FAIL: planted in {rel}:{line + offset} ({words!r}), reported:")
            report(new or [("(nothing)", 0, "")])
            failures += 1
        else:
            print(f"[{name}] ok: planted {words!r}, reported:")
            report(hits)
    # src/README.md must describe every folder.
    if readme is not None:
        without = re.sub(r"^- `stix/`.*$", "", readme, flags=re.M)
        new = [f for f in check(files, without) if f not in base_set]
        if not any(f[0] == "src/README.md" and "stix/" in f[2] for f in new):
            print(f"[{name}] FAIL: a README without a stix/ paragraph is not reported")
            failures += 1
        else:
            print(f"[{name}] ok: removed the stix/ paragraph of src/README.md, reported:")
            report([f for f in new if f[0] == "src/README.md"])
    if readme is not None:
        wider = re.sub(r"^(\| `stix/` \|)", r"\1 `store/`,", readme, flags=re.M)
        new = [f for f in check(files, wider) if f not in base_set]
        if not any(f[0] == "src/README.md" and "row for stix/" in f[2] for f in new):
            print(f"[{name}] FAIL: a README table that lets stix/ include store/ is not reported")
            failures += 1
        else:
            print(f"[{name}] ok: widened the stix/ row of the README table, reported:")
            report([f for f in new if f[0] == "src/README.md"])
    return failures


def self_test(repo):
    failures = self_test_on("small set", CLEAN, README, baseline_ok=True)
    # The text blanker itself: code stays, comments and literals go, lines stay.
    sample = 'a("x\\"y"); // c\n/* d\n e */ b(\'\\\'\'); R"z(q)"\n)z"; 1\'2;'
    blanked = blank_comments_and_strings(sample)
    if blanked.count("\n") != sample.count("\n") or "c" in blanked or "q" in blanked or \
            "a(" not in blanked or "b(" not in blanked:
        print("FAIL: blank_comments_and_strings:", repr(blanked))
        failures += 1
    if repo:
        files, readme = read_tree(repo)
        failures += self_test_on("copy of " + repo, files, readme, baseline_ok=False)
    print("self-test:", "FAILED" if failures else "passed")
    return 1 if failures else 0


def main(argv):
    if len(argv) >= 2 and argv[1] == "--self-test":
        return self_test(argv[2] if len(argv) > 2 else None)
    if len(argv) != 2:
        print(__doc__)
        return 2
    return main_check(argv[1])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
