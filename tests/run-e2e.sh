#!/bin/sh
# Runs every end-to-end test tests/e2e/t_*.sh (bash, root, network
# namespaces) and prints one line per test (PASS/FAIL/SKIP) and a closing
# line "e2e: N passed, N failed, N skipped".  Exit status 1 if any failed.
#
#   sh tests/run-e2e.sh [t_name ...]     only the named tests
#   E2E_SERVER=kea sh tests/run-e2e.sh   run against kea-dhcp4 (harness check)
#   E2E_TIMEOUT=SECS                     per-test limit (default 300)
#   E2E_VERBOSE=0                        print a failed test's output only
set -u
cd "$(dirname "$0")/.." || exit 2
limit=${E2E_TIMEOUT:-300}
pass=0; fail=0; skip=0; failed=""

if [ $# -gt 0 ]; then
	tests=""
	for n in "$@"; do
		n=${n%.sh}; n=${n#tests/e2e/}
		tests="$tests tests/e2e/$n.sh"
	done
else
	tests=$(ls tests/e2e/t_*.sh 2>/dev/null)
fi

out=$(mktemp /tmp/dfo-e2e-run.XXXXXX) || exit 2
child=""
# On Ctrl-C or SIGTERM: stop the running test (timeout passes SIGTERM on;
# the test's own trap removes its namespaces and processes), then leave.
interrupted() {
	if [ -n "$child" ]; then
		kill -TERM "$child" 2>/dev/null
		wait "$child"
	fi
	[ -s "$out" ] && sed 's/^/    /' "$out"
	rm -f "$out"
	echo "e2e: interrupted"
	exit 130
}
trap interrupted INT TERM
trap 'rm -f "$out"' EXIT
for t in $tests; do
	name=$(basename "$t" .sh)
	start=$(date +%s)
	# In the background so that a signal to this script is handled at
	# once (the trap runs as soon as wait returns).
	timeout --kill-after=30 "$limit" bash "$t" >"$out" 2>&1 &
	child=$!
	wait "$child"
	rc=$?
	child=""
	secs=$(( $(date +%s) - start ))
	case $rc in
	0)	pass=$((pass + 1)); verdict=PASS ;;
	77)	skip=$((skip + 1)); verdict=SKIP ;;
	124|137) fail=$((fail + 1)); verdict="FAIL (timed out after ${limit}s)"
		failed="$failed $name" ;;
	*)	fail=$((fail + 1)); verdict="FAIL (exit $rc)"; failed="$failed $name" ;;
	esac
	if [ "$rc" -eq 77 ]; then
		tail -n 1 "$out" | sed 's/^/    /'	# the reason
	elif [ "$rc" -ne 0 ] || [ "${E2E_VERBOSE:-1}" = 1 ]; then
		sed 's/^/    /' "$out"
	fi
	echo "$verdict: $name (${secs}s)"
done
[ -n "$failed" ] && echo "e2e failed:$failed"
echo "e2e: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
