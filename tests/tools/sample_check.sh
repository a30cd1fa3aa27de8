#!/bin/sh
# sample_check.sh BUILD INI: `-t` on a sample configuration of etc/, as
# this host would run it.
#
# -t checks a file and what it asks of the host (docs/config-primary.md):
# the samples name a site's addresses (TEST-NET), interfaces, key files
# and directories, which this host need not have.  So a copy is checked
# in which those are this host's -- ServerAddress 127.0.0.1, Interfaces
# lo (where the sample names any), every SharedKeyFile one mode-0600 key,
# StateDir, ControlSocket and PidFile in a temporary directory -- and
# every other line as written.  Exit status: -t's; on failure the copy is
# kept (its lines after [server] are 3 further down than the sample's).
# Used by `make check-config` and tests/run-all.sh.
set -u
build=$1 ini=$2
case ${ini##*/} in
primary*)	prog=$build/dhcpfo-primary ;;
failover*)	prog=$build/dhcpfo-failover ;;
*)		echo "$ini: not a primary*.ini or failover*.ini" >&2; exit 2 ;;
esac
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sample_check.XXXXXX") || exit 2
copy=$tmp/${ini##*/}
(umask 077 && echo 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff \
    >"$tmp/shared.key") || exit 2
sed -e 's|^\(ServerAddress *=\).*|\1 127.0.0.1|' \
    -e 's|^\(Interfaces *=\) *[^ ;#].*|\1 lo|' \
    -e "s|^\\(SharedKeyFile *=\\).*|\\1 $tmp/shared.key|" \
    -e 's/^\(StateDir\|ControlSocket\|PidFile\) *=/; &/' \
    -e "s|^\\[server\\].*|&\\nStateDir = $tmp/state\\nControlSocket = $tmp/ctl.sock\\nPidFile = $tmp/pid|" \
    "$ini" >"$copy" || exit 2
"$prog" -t -c "$copy"
rc=$?
if [ "$rc" -eq 0 ]; then
	rm -rf "$tmp"
else
	echo "$ini: checked as $copy (kept)" >&2
fi
exit "$rc"
