#!/usr/bin/env python3
"""Fails (exit 1) if any tracked C++ file under src/ include/ fuzz/ bench/ tests/ is not
formatted as .clang-format at the repository root says. Usage: check_format.py REPO [CLANG_FORMAT]"""
import subprocess
import sys


def main():
    repo = sys.argv[1]
    clang_format = sys.argv[2] if len(sys.argv) > 2 else "clang-format"
    listed = subprocess.run(
        ["git", "-C", repo, "ls-files", "--", "src", "include", "fuzz", "bench", "tests"],
        check=True, capture_output=True, text=True, timeout=60).stdout.split()
    files = [f for f in listed if f.endswith((".h", ".cc"))]
    if not files:
        print("no C++ files found under", repo)
        return 1
    bad = []
    for i in range(0, len(files), 50):
        chunk = files[i:i + 50]
        r = subprocess.run([clang_format, "--dry-run", "--Werror"] + chunk, cwd=repo,
                           capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            for f in chunk:
                one = subprocess.run([clang_format, "--dry-run", "--Werror", f], cwd=repo,
                                     capture_output=True, text=True, timeout=60)
                if one.returncode != 0:
                    bad.append(f)
    print(f"checked {len(files)} files with {clang_format}")
    for f in bad:
        print("not formatted:", f, f"(fix: {clang_format} -i {f})")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
