#!/bin/sh
# Runs each cmocka unit-test program given; prints one summary line.
# Usage: tests/run-unit.sh build/tests/test_a build/tests/test_b ...
pass=0; fail=0
for t in "$@"; do
	if "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: $t"; fi
done
echo "unit programs: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
