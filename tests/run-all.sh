#!/bin/sh
# Runs every test suite and prints one closing line "N passed, N failed".
#   1. unit tests (cmocka), normal build
#   2. the same under AddressSanitizer + UBSan
#   3. fuzz corpora replayed under the sanitizers
#   4. the sample configs in etc/ pass `-t`; `-t` refuses what a host
#      lacks; the command lines, the MIB
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
# As this host would run them: its addresses, interfaces, a key and
# temporary directories in place of the site's (tests/tools/sample_check.sh).
for c in etc/primary*.ini etc/failover*.ini; do
	[ -f "$c" ] || continue
	if sh tests/tools/sample_check.sh build "$c" >/dev/null 2>&1
	then ok "config $c"
	else sh tests/tools/sample_check.sh build "$c"; bad "config $c"; fi
done

echo "== -t checks"
# What a configuration asks of the host (common/dhcp/hostcheck.h): good
# files pass; each bad one lacks one thing on this host, and -t must exit
# 78 and say which -- but for a key file, whose problem is a warning with
# exit 0 (the daemon would start: docs/security.md "Key problems").
# Loopback and TEST-NET addresses only; -t sends nothing, binds nothing
# and creates nothing.
tc=$(mktemp -d "${TMPDIR:-/tmp}/tcheck.XXXXXX")
tkey=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
(umask 077 && echo "$tkey" >"$tc/good.key")
echo "$tkey" >"$tc/open.key" && chmod 644 "$tc/open.key"
primary_ini() {
	cat <<EOF
[server]
Name = branch1
ServerAddress = 127.0.0.1
Interfaces = lo
StateDir = $tc/state
ControlSocket = $tc/primary.sock
PidFile = $tc/primary.pid
[failover]
UseFailoverServer = true
FailoverServer = 127.0.0.2
SharedKeyFile = $tc/good.key
[subnet:big]
Subnet = 127.0.0.0/8
Range = 127.1.0.0-127.1.0.255
EOF
}
failover_ini() {
	cat <<EOF
[server]
Name = hub1
ServerAddress = 127.0.0.1
Interfaces = lo
StateDir = $tc/state
ControlSocket = $tc/failover.sock
PidFile = $tc/failover.pid
[primary:b1]
Address = 127.0.0.2
SharedKeyFile = $tc/good.key
[subnet:big]
Primary = b1
Subnet = 127.0.0.0/8
Range = 127.1.0.0-127.1.0.255
EOF
}
# tcheck PROG SED WANT: -t on PROG's good file edited by SED must exit 78
# printing WANT; WANT "OK" means exit 0; WANT "warning: TEXT" means exit 0
# printing TEXT on a "warning: " line.
tcheck() {
	tf=$tc/$1.ini
	"${1#dhcpfo-}_ini" | sed -e "$2" >"$tf"
	out=$(build/$1 -t -c "$tf" 2>&1); rc=$?
	what=$(printf '%s' "$3" | sed "s|$tc|TMP|g")
	if [ "$3" = OK ] && [ "$rc" -eq 0 ]; then ok "$1 -t: a good file"
	elif [ "${3#warning: }" != "$3" ] && [ "$rc" -eq 0 ] &&
	    printf '%s\n' "$out" | grep '^warning: ' |
	    grep -qF -- "${3#warning: }"; then ok "$1 -t: $what"
	elif [ "$3" != OK ] && [ "${3#warning: }" = "$3" ] &&
	    [ "$rc" -eq 78 ] &&
	    printf '%s\n' "$out" | grep -qF -- "$3"; then ok "$1 -t: $what"
	else printf '%s\nexit %s\n' "$out" "$rc"; bad "$1 -t: $what"; fi
}
nonlocal=$(cat /proc/sys/net/ipv4/ip_nonlocal_bind 2>/dev/null)
for p in dhcpfo-primary dhcpfo-failover; do
	case $p in
	*primary) sec="[failover]"
		cons="the primary will serve DHCP without failover until this is fixed" ;;
	*) sec="[primary:b1]"
		cons="primary=b1 will not be protected" ;;
	esac
	tcheck $p '' OK
	tcheck $p "s|good.key|none.key|" "warning: $sec SharedKeyFile: $tc/none.key: cannot open key file: No such file or directory: $cons"
	tcheck $p "s|good.key|open.key|" "warning: $sec SharedKeyFile: $tc/open.key: key file is accessible by group or others (mode 0644); run \`chmod 600 $tc/open.key\`: $cons"
	tcheck $p "s|^SharedKeyFile = .*|&\nAcceptSharedKeyFile = $tc/open.key|" "warning: $sec AcceptSharedKeyFile: $tc/open.key: key file is accessible by group or others (mode 0644)"
	tcheck $p "s|^Interfaces = lo|&, nosuch0|" "[server] Interfaces: no interface 'nosuch0' on this host"
	if [ "$nonlocal" = 1 ]; then
		skip=$((skip + 1)); echo "SKIP: $p -t: address (ip_nonlocal_bind)"
	else
		tcheck $p "s|^ServerAddress = .*|ServerAddress = 192.0.2.77|" "[server] ServerAddress: 192.0.2.77 is not an address of this host"
	fi
	tcheck $p "s|^Range = .*|Range = 127.1.0.0-127.17.0.0|" "[subnet:big] Range: 1048577 addresses, more than the limit of 1048576"
	tcheck $p "s|^StateDir = .*|StateDir = $tc/good.key|" "[server] StateDir: $tc/good.key: not a directory"
	tcheck $p "s|^ControlSocket = $tc|&/nodir|" "[server] ControlSocket: $tc/nodir/${p#dhcpfo-}.sock: directory $tc/nodir: does not exist"
	tcheck $p "s|^Name = .*|&\nUser = no-such-user-x|" "[server] User: no user 'no-such-user-x' on this host"
	tcheck $p "s|^Name = .*|&\nControlSocketGroup = no-such-group-x|" "[server] ControlSocketGroup: no group 'no-such-group-x' on this host"
done
# A start runs the same checks before it opens anything (primary/main.c).
for p in dhcpfo-primary dhcpfo-failover; do
	"${p#dhcpfo-}_ini" | sed -e "s|^Interfaces = lo|&, nosuch0|" \
	    >"$tc/$p.ini"
	out=$(timeout 20 build/$p -f -c "$tc/$p.ini" 2>&1); rc=$?
	if [ "$rc" -eq 78 ] && printf '%s\n' "$out" |
	    grep -qF "[server] Interfaces: no interface 'nosuch0' on this host"
	then ok "$p start: the same message, exit 78"
	else printf '%s\nexit %s\n' "$out" "$rc"; bad "$p start: exit 78"; fi
done
if [ -e "$tc/state" ]; then bad "-t or a refused start created StateDir"
else ok "-t and a refused start created nothing"; fi
rm -rf "$tc"

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
		# "outdated mandoc.db" is about this host's page index (our
		# pages installed since it was built), not about the page.
		out=$(cd build/man && mandoc -T lint "$page" 2>&1); rc=$?
		out=$(printf '%s\n' "$out" | grep -v "outdated mandoc.db" |
		    sed '/^$/d')
		if [ "$rc" -eq 0 ] && [ -z "$out" ]; then
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
