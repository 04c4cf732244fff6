#!/usr/bin/env python3
"""ThreadSanitizer verdict for scripts/tsan.sh (docs/testing.md, "ThreadSanitizer").

Reads TSan report files (log_path=...) and sorts each data-race report by its two
*accessing frames*: the first frame of each access stack outside TSan's own runtime
(libtsan: memmove, realloc, operator delete ... are interceptors, the caller made the access).

  Qt-internal  both accessing frames lie in an uninstrumented Qt library (libQt6*.so):
               Qt's code on Qt's memory, ordered by Qt's futex-based locks that TSan cannot
               see (groups A2 and C of docs/testing.md; Debian ships Qt without symbols, so
               no suppression can name these frames, and the module name would also match
               every Qt thread's creation stack).
  to read      anything else, in particular an access made by an instrumented frame (the
               project, its tests): a possible real race.

Exit 0 when every report is Qt-internal, 66 (TSan's exit code here) when any is to read,
2 on usage errors. A project race on a shared Qt container still shows up "to read": the
container's inline code (size, pointer) is compiled into our instrumented objects
(tests/tsan/planted_race.cpp checks that: `bash scripts/tsan.sh --self-check`).
"""
import re
import sys

ACCESS = re.compile(r"^  (Previous )?(read|write|atomic read|atomic write) of size \d+", re.I)
FRAME = re.compile(r"^\s+#\d+ (.*) \(([^()]*?)(\+0x[0-9a-f]+)?\)\s*$")


def frames(lines, start):
    out = []
    for line in lines[start + 1:]:
        m = FRAME.match(line)
        if not m:
            break
        out.append((m.group(1), m.group(2)))
    return out


def accessing(stack):
    """(function, module) of the first frame outside TSan's runtime ("?" when TSan could
    not restore the stack: to read)."""
    for fn, module in stack:
        if "libtsan" in module:
            continue
        return fn, module
    return "?", "?"


def is_qt(module):
    return re.search(r"libQt6\w*\.so", module) is not None


def reports(text):
    blocks = text.split("==================")
    for b in blocks:
        if "WARNING: ThreadSanitizer:" in b:
            yield b


def classify(block):
    lines = block.splitlines()
    kind = re.search(r"WARNING: ThreadSanitizer: ([\w -]+)", block).group(1).strip()
    if not kind.startswith("data race"):
        return "to read", kind, []
    sides = []
    for i, line in enumerate(lines):
        if ACCESS.match(line):
            sides.append(accessing(frames(lines, i)))
    qt = len(sides) == 2 and all(is_qt(module) for _, module in sides)
    return ("Qt-internal" if qt else "to read"), kind, sides


def main(paths):
    if not paths:
        print("usage: classify.py TSAN_LOG...", file=sys.stderr)
        return 2
    counts = {"Qt-internal": 0, "to read": 0}
    for path in paths:
        with open(path, errors="replace") as f:
            text = f.read()
        for block in reports(text):
            verdict, kind, sides = classify(block)
            counts[verdict] += 1
            where = "; ".join(f"{fn} ({module})" for fn, module in sides) or kind
            print(f"{verdict:12s} {kind}: {where}")
            if verdict == "to read":
                print(block.strip(), file=sys.stderr)
    total = sum(counts.values())
    print(f"classify.py: {total} reports, {counts['Qt-internal']} Qt-internal, {counts['to read']} to read")
    return 66 if counts["to read"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
