#!/usr/bin/env python3
"""Prints the last lines of each failed test's output, from ctest's LastTest.log.

Usage: failed_output.py LastTest.log LastTestsFailed.log [LINES]

ctest prints a failed test's output where the test finished, in the middle of the run;
scripts/test.sh calls this after a failed run so that the end of the log names what
failed and why.
"""
import sys


def outputs(log_path):
    """Yields (test name, output lines) for each test in a ctest LastTest.log."""
    name, lines, inside = None, [], False
    with open(log_path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if " Testing: " in line and line.split(" Testing: ", 1)[0].count("/") == 1:
                name, lines, inside = line.split(" Testing: ", 1)[1].strip(), [], False
            elif line == "Output:":
                inside = True
            elif line.startswith("<end of output>"):
                if name is not None:
                    yield name, lines
                name, inside = None, False
            elif inside and not line.startswith("-" * 20):
                lines.append(line)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    keep = int(sys.argv[3]) if len(sys.argv) > 3 else 80
    try:
        with open(sys.argv[2]) as f:
            failed = {l.split(":", 1)[1].strip() for l in f if ":" in l}
    except FileNotFoundError:
        return
    for name, lines in outputs(sys.argv[1]):
        if name in failed:
            print("==== %s failed; the last %d lines of its output ====" % (name, keep))
            print("\n".join(lines[-keep:]))


if __name__ == "__main__":
    main()
