#!/bin/sh
# Runs every test suite and prints one closing line "N passed, N failed".
#   1. unit tests (cmocka), normal build
#   2. the same under AddressSanitizer + UBSan
#   3. fuzz corpora replayed under the sanitizers
#   4. the sample configs in etc/ pass `-t`, the command lines, the MIB
#      and the manual pages; make install and uninstall
#   5. Debian packages (root only): built, checked by lintian, installed;
#      the installed units checked by systemd-analyze
#   6. end-to-end tests in network namespaces (root only), among them
#      t_installed, which runs the installed packages as their units do
# Set DHCPFO_SKIP_E2E=1 to leave out 6 (it is reported as skipped).
set -u
cd "$(dirname "$0")/.." || exit 2
MAKE=${MAKE:-make}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
pass=0; fail=0; skip=0
failed_names=""

ok()   { pass=$((pass + 1)); echo "PASS: $1"; }
bad()  { fail=$((fail + 1)); failed_names="$failed_names $1"; echo "FAIL: $1"; }

echo "== build"
if ! $MAKE -j"$JOBS" all >build.log 2>&1; then
	tail -40 build.log
	bad build
	echo "$pass passed, $fail failed"
	exit 1
fi
ok build

run_units() {	# $1 = build dir, $2 = label
	for t in "$1"/unit/test_*; do
		[ -x "$t" ] || continue
		name="$2$(basename "$t")"
		if "$t" >"$t.log" 2>&1; then ok "$name"; else
			tail -30 "$t.log"; bad "$name"; fi
	done
}

echo "== unit tests"
run_units build ""

echo "== unit tests under ASan+UBSan"
if $MAKE -j"$JOBS" sanitize >build-san.log 2>&1; then
	ok "build (sanitizers)"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    run_units build-san "san:"
	echo "== fuzz corpora under ASan+UBSan"
	for f in build-san/fuzz/fuzz_*; do
		[ -x "$f" ] || continue
		name=$(basename "$f")
		corpus=tests/fuzz/corpus/${name#fuzz_}
		if [ ! -d "$corpus" ]; then
			bad "$name (no corpus at $corpus)"
			continue
		fi
		if "$f" "$corpus" >"$f.log" 2>&1; then ok "$name corpus"
		else tail -30 "$f.log"; bad "$name corpus"; fi
	done
else
	tail -40 build-san.log
	bad "build (sanitizers)"
fi

echo "== sample configuration files"
for c in etc/primary*.ini etc/failover*.ini; do
	[ -f "$c" ] || continue
	case "$c" in
	etc/primary*) prog=build/dhcpfo-primary ;;
	*) prog=build/dhcpfo-failover ;;
	esac
	if "$prog" -t -c "$c" >/dev/null 2>&1; then ok "config $c"
	else "$prog" -t -c "$c"; bad "config $c"; fi
done

echo "== command lines"
# --help on stdout with exit 0, --version as "PROG VERSION", and a bad
# option a usage error (non-zero, usage on stderr), for every program.
ver=$(sed -n 's/^#define DHCPFO_VERSION[^"]*"\(.*\)"/\1/p' common/util/version.h)
for prog in dhcpfo-primary dhcpfo-failover dhcpfoctl; do
	if build/$prog --help 2>/dev/null | grep -q "^usage: $prog" &&
	    [ "$(build/$prog --version)" = "$prog $ver" ] &&
	    ! build/$prog --no-such-option >/dev/null 2>&1 &&
	    build/$prog --no-such-option 2>&1 >/dev/null | grep -q "^usage:"
	then ok "$prog --help, --version, a bad option"
	else bad "$prog --help, --version, a bad option"; fi
done

echo "== MIB"
# tests/mibs holds minimal stand-ins for the IETF SMIv2 modules, which
# Debian ships only in the non-free snmp-mibs-downloader.
if command -v smilint >/dev/null 2>&1; then
	if out=$(SMIPATH="$PWD/tests/mibs:/usr/share/snmp/mibs" \
	    smilint -l 4 snmp/DHCPFO-MIB.txt 2>&1) && [ -z "$out" ]; then
		ok "smilint -l 4 snmp/DHCPFO-MIB.txt"
	else
		echo "$out"; bad "smilint -l 4 snmp/DHCPFO-MIB.txt"
	fi
else
	bad "smilint missing (scripts/deps.sh installs smitools)"
fi

echo "== man pages"
# Each page alone, from build/man/: mandoc finds the pages a SEE ALSO
# names in the working directory, and warns about any it cannot find.
if command -v mandoc >/dev/null 2>&1; then
	npages=0
	for p in build/man/*.[1-9]; do
		[ -f "$p" ] || continue
		npages=$((npages + 1))
		page=$(basename "$p")
		if out=$(cd build/man && mandoc -T lint "$page" 2>&1) &&
		    [ -z "$out" ]; then
			ok "mandoc -T lint $page"
		else
			echo "$out"; bad "mandoc -T lint $page"
		fi
	done
	[ "$npages" -gt 0 ] || bad "no manual pages in build/man"
else
	bad "mandoc missing (scripts/deps.sh installs mandoc)"
fi

echo "== make install, make uninstall"
# PREFIX and DESTDIR everywhere: the units name PREFIX's programs and
# configuration; uninstall leaves only the configuration.
d=$(mktemp -d /tmp/dhcpfo-install.XXXXXX)
if $MAKE -s install PREFIX=/opt/dfo DESTDIR="$d" >"$d.log" 2>&1 &&
    grep -q "^ExecStart=/opt/dfo/sbin/dhcpfo-primary -f -c /opt/dfo/etc/dhcpfo/primary.ini$" \
	"$d/opt/dfo/lib/systemd/system/dhcpfo-primary.service" &&
    grep -q "^ExecStart=/opt/dfo/sbin/dhcpfo-failover -f -c /opt/dfo/etc/dhcpfo/failover.ini$" \
	"$d/opt/dfo/lib/systemd/system/dhcpfo-failover.service" &&
    [ -x "$d/opt/dfo/sbin/dhcpfo-primary" ] && [ -x "$d/opt/dfo/bin/dhcpfoctl" ] &&
    [ -f "$d/opt/dfo/share/snmp/mibs/DHCPFO-MIB.txt" ] &&
    grep -q "^ControlSocketGroup = dhcpfo" "$d/opt/dfo/etc/dhcpfo/primary.ini" &&
    [ -z "$(find "$d" -path "$d/opt/dfo" -prune -o -type f -print)" ]
then ok "make install PREFIX=/opt/dfo DESTDIR=... ($(find "$d" -type f | wc -l) files)"
else cat "$d.log"; bad "make install PREFIX=/opt/dfo DESTDIR=..."; fi
if $MAKE -s uninstall PREFIX=/opt/dfo DESTDIR="$d" >"$d.log" 2>&1 &&
    [ "$(cd "$d" && find . -type f | sort | tr '\n' ' ')" = \
    "./opt/dfo/etc/dhcpfo/failover.ini ./opt/dfo/etc/dhcpfo/primary.ini " ]
then ok "make uninstall leaves only the configuration"
else cat "$d.log"; (cd "$d" && find . -type f); bad "make uninstall"; fi
rm -rf "$d" "$d.log"

echo "== packages"
# The highest exposure systemd-analyze may rate an installed unit.
MAX_EXPOSURE=2.5
if [ "$(id -u)" -ne 0 ]; then
	skip=$((skip + 1)); echo "SKIP: packages (needs root to install them)"
elif ! $MAKE deb >deb.log 2>&1; then
	tail -30 deb.log; bad "make deb"
else
	ok "make deb ($(ls build/deb/*.deb | grep -vc dbgsym) packages)"
	lint=$(lintian build/deb/*.changes 2>&1 | grep -v "running with root")
	[ -n "$lint" ] && echo "$lint"
	if echo "$lint" | grep -q "^E:"; then bad "lintian: errors"
	else ok "lintian: no errors ($(echo "$lint" | grep -c "^W:") warnings)"; fi
	debs=$(ls build/deb/*.deb | grep -v dbgsym | sed 's|^|./|')
	# shellcheck disable=SC2086
	if DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends --reinstall $debs >deb-install.log 2>&1
	then ok "packages installed"
	else tail -20 deb-install.log; bad "packages installed"; fi
	for u in dhcpfo-primary dhcpfo-failover; do
		f=/lib/systemd/system/$u.service
		if out=$(systemd-analyze verify "$f" 2>&1) && [ -z "$out" ]
		then ok "systemd-analyze verify $u.service"
		else echo "$out"; bad "systemd-analyze verify $u.service"; fi
		e=$(systemd-analyze security --offline=true "$f" 2>/dev/null |
		    sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
		if [ -n "$e" ] && [ "$(echo "$e <= $MAX_EXPOSURE" | bc)" = 1 ]
		then ok "$u.service exposure $e (at most $MAX_EXPOSURE)"
		else bad "$u.service exposure ${e:-?} (at most $MAX_EXPOSURE)"; fi
	done
fi

echo "== end-to-end tests"
if [ "${DHCPFO_SKIP_E2E:-0}" = 1 ]; then
	skip=$((skip + 1)); echo "SKIP: e2e (DHCPFO_SKIP_E2E=1)"
elif [ "$(id -u)" -ne 0 ]; then
	skip=$((skip + 1)); echo "SKIP: e2e (needs root for network namespaces)"
else
	out=$(mktemp)
	sh tests/run-e2e.sh 2>&1 | tee "$out"
	p=$(sed -n 's/^e2e: \([0-9]*\) passed, \([0-9]*\) failed.*/\1/p' "$out")
	f=$(sed -n 's/^e2e: \([0-9]*\) passed, \([0-9]*\) failed.*/\2/p' "$out")
	s=$(sed -n 's/.*, \([0-9]*\) skipped.*/\1/p' "$out" | tail -1)
	rm -f "$out"
	if [ -z "$p" ]; then bad "e2e runner"; else
		pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + ${s:-0}))
		[ "$f" -gt 0 ] && failed_names="$failed_names e2e"
	fi
fi

echo
[ -n "$failed_names" ] && echo "failed:$failed_names"
if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
