#!/usr/bin/env python3
"""Prints the suite's closing line, `N passed, N failed[, N skipped]`, from meson's
testlog.json. A TAP test program counts each of its test cases; any other test counts once.
"""
import json
import re
import sys

passed = failed = skipped = 0
with open(sys.argv[1], encoding="utf-8") as log:
    for line in log:
        entry = json.loads(line)
        cases = re.findall(r"^(not ok|ok)\b(.*)$", entry.get("stdout") or "", re.M)
        result = entry["result"]
        if cases and result in ("OK", "FAIL"):
            for verdict, rest in cases:
                if "# SKIP" in rest:
                    skipped += 1
                elif verdict == "ok":
                    passed += 1
                else:
                    failed += 1
            # A program that crashed after its last case still failed.
            if result == "FAIL" and not any(v == "not ok" for v, _ in cases):
                failed += 1
        elif result in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif result == "SKIP":
            skipped += 1
        else:
            failed += 1

line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
