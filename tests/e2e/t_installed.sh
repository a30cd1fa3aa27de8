#!/bin/bash
# The installed packages, run as their systemd units would run them
# (docs/deploy.md "Users and capabilities").  tests/run-all.sh builds the
# packages (make deb), checks them with lintian and installs them first;
# without them this test is skipped.
#
# There is no systemd as PID 1 here, so each daemon is started the way
# its installed unit says: the ExecStart program, User=, Group=,
# SupplementaryGroups=, AmbientCapabilities=, CapabilityBoundingSet=,
# NoNewPrivileges= and UMask= read from the unit file and reproduced with
# setpriv(1).  Then, as in t_fo_takeover.sh on loopback:
#   1. both daemons run as _dhcpfo with exactly CAP_NET_BIND_SERVICE and
#      CAP_NET_RAW; their stores and sockets belong to _dhcpfo; the
#      control socket is 0660 for the group dhcpfo: a member may use
#      dhcpfoctl, another user may not;
#   2. DORA through the primary, replicated to the failover;
#   3. kill -9 of the primary: the failover takes over, clients renew
#      their addresses;
#   4. a reload that opens a socket (a second primary: its thread binds
#      port 647) works without root;
#   5. the primary returns: hand-back, every binding held, none twice;
#   6. a root-only key file is unreadable to the daemon: -t warns that
#      the primary would serve without failover (a key problem is an
#      alarm, not a refused start: docs/security.md "Key problems").
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/fo_lib.sh"
e2e_init
fo_require
require_cmd setpriv dpkg-query
for pkg in dhcpfo-common dhcpfo-primary dhcpfo-failover; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null |
	    grep -q "install ok installed" ||
	    skip "package $pkg not installed (tests/run-all.sh installs it)"
done
getent passwd _dhcpfo >/dev/null || fail "the packages did not create _dhcpfo"
getent group dhcpfo >/dev/null || fail "the packages did not create dhcpfo"
UNITDIR=/lib/systemd/system
[ -f "$UNITDIR/dhcpfo-primary.service" ] || UNITDIR=/usr/lib/systemd/system

not_grep() { ! grep -Eq "$1" "$2"; }

# unit_val UNIT KEY: the value of KEY= in the installed unit (last one).
unit_val() {
	sed -n "s/^$2=//p" "$UNITDIR/$1.service" | tail -n 1
}

# caps_arg "CAP_A CAP_B": setpriv's "-all,+a,+b".
caps_arg() {
	local c out=-all
	for c in $1; do
		c=${c#CAP_}
		out="$out,+${c,,}"
	done
	echo "$out"
}

# as_unit NAME: a script that starts what unit NAME starts, as it would,
# with the arguments it is given (ExecStart's program, not its arguments).
as_unit() {
	local u=$1 prog user group sup amb bnd nnp umask
	prog=$(unit_val "$u" ExecStart | awk '{print $1}')
	user=$(unit_val "$u" User)
	group=$(unit_val "$u" Group)
	sup=$(unit_val "$u" SupplementaryGroups)
	amb=$(unit_val "$u" AmbientCapabilities)
	bnd=$(unit_val "$u" CapabilityBoundingSet)
	nnp=$(unit_val "$u" NoNewPrivileges)
	umask=$(unit_val "$u" UMask)
	[ -x "$prog" ] || fail "$u: ExecStart program $prog is not installed"
	[ -n "$user" ] && [ -n "$amb" ] || fail "$u: no User= or AmbientCapabilities="
	cat >"$T/run-$u" <<EOF
#!/bin/sh
umask ${umask:-0022}
exec setpriv --reuid=$user --regid=${group:-$user} \
    ${sup:+--groups=${sup// /,}} --inh-caps=$(caps_arg "$amb") \
    --ambient-caps=$(caps_arg "$amb") --bounding-set=$(caps_arg "$bnd") \
    $([ "$nnp" = yes ] && echo --no-new-privs) $prog "\$@"
EOF
	chmod 755 "$T/run-$u"
	say "$u: $(tail -n 3 "$T/run-$u" | tr -s ' \n\\' ' ')"
}
as_unit dhcpfo-primary
as_unit dhcpfo-failover
P_BIN=$T/run-dhcpfo-primary
F_BIN=$T/run-dhcpfo-failover

# What systemd prepares for the units (StateDirectory=, RuntimeDirectory=
# owned by User=): here the test's directories, and the key file the
# operator gives to _dhcpfo.
chmod 755 "$T"
fo_net
chown _dhcpfo: "$T/p" "$T/f" "$T/branch1.key"
FO_P_EXTRA_SERVER="ControlSocketGroup = dhcpfo"
FO_EXTRA_SERVER="ControlSocketGroup = dhcpfo"
fo_write_configs
p_start
f_start
fo_wait_state monitoring 10
p_wait_serving 10
ok "start-up as the units: failover monitoring, primary serving"

# ---- 1. who they are, what they hold
for pid in "$P_PID" "$F_PID"; do
	name=$(cat "/proc/$pid/comm")
	st=/proc/$pid/status
	assert "$name runs as _dhcpfo" \
	    test "$(awk '/^Uid:/ {print $2 $3 $4 $5}' "$st")" = \
	    "$(id -u _dhcpfo)$(id -u _dhcpfo)$(id -u _dhcpfo)$(id -u _dhcpfo)"
	for set in CapEff CapPrm CapBnd; do
		assert "$name $set is CAP_NET_BIND_SERVICE + CAP_NET_RAW" \
		    test "$(awk -v s="$set:" '$1 == s {print $2}' "$st")" = \
		    0000000000002400
	done
	# Every thread: capabilities belong to each (the failover runs one
	# per primary).
	for task in /proc/"$pid"/task/*; do
		assert "$name thread $(basename "$task") holds no more" \
		    test "$(awk '$1 == "CapEff:" {print $2}' "$task/status")" = \
		    0000000000002400
	done
done
for f in "$T/p/state" "$T/f/state" "$T"/p/state/* "$T"/f/state/*; do
	[ "$(stat -c %U "$f")" = _dhcpfo ] || fail "$f belongs to $(stat -c %U "$f")"
done
ok "every store file belongs to _dhcpfo ($(find "$T/p/state" "$T/f/state" | wc -l) files)"
for s in "$T/p/ctl.sock" "$T/f/ctl.sock"; do
	assert "$s is _dhcpfo:dhcpfo 0660" \
	    test "$(stat -c '%U:%G %a' "$s")" = "_dhcpfo:dhcpfo 660"
done
member_ctl() {
	setpriv --reuid=nobody --regid=nogroup --groups=dhcpfo \
	    "$BUILD/dhcpfoctl" -s "$1" status >/dev/null
}
assert "a member of dhcpfo may use dhcpfoctl" member_ctl "$T/p/ctl.sock"
out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$BUILD/dhcpfoctl" -s "$T/p/ctl.sock" status 2>&1)
assert "another user may not ($out)" \
    grep -q "Permission denied" <<<"$out"

# ---- 2. DORA, replicated
out=$(load -b "$FO_RELAY" -n 300 -r 2000 -w 200 -o "$T/acks1.txt" -t 30 -i 2) ||
    fail "clients: $out"
say "$out"
fo_wait_holds 10 "$T/acks1.txt"
ok "300 clients bound; the failover holds every binding"

# ---- 3. takeover
fo_kill_primary
out=$(load -b "$FO_RELAY" -e "$T/acks1.txt" -r 2000 -w 200 -o "$T/renew1.txt" -t 30 -i 2) ||
    fail "renewals during takeover: $out"
assert "every client renewed its address with the failover" \
    cmp -s <(sort -u "$T/acks1.txt") <(sort -u "$T/renew1.txt")
out=$(load -b "$FO_RELAY" -n 100 -m 0x20 -r 2000 -w 200 -o "$T/acks2.txt" -t 30 -i 2) ||
    fail "new clients during takeover: $out"
ok "takeover: renewals and 100 new clients answered by the failover"

# ---- 4. a reload that binds port 647 for a new primary's thread
cat >>"$T/failover.ini" <<EOF
[primary:branch2]
Address = 127.0.0.3
Port = 647
SharedKeyFile = $T/branch1.key
[subnet:b2]
Primary = branch2
Subnet = 127.18.0.0/16
Range = 127.18.0.10-127.18.0.250
EOF
fctl reload >"$T/reload.out" 2>&1 || { cat "$T/reload.out"; fail "reload refused"; }
wait_for 10 "fctl status branch2 --json | jq -e .state" ||
    fail "no thread for branch2 after the reload"
assert "the new thread bound 127.0.0.2:647 (sockets on 647: main + 2 threads)" \
    test "$(nsx "$FO_NS" ss -Huanp "sport = :647" |
        grep -c "pid=$F_PID,")" -ge 3
assert "no permission error in the failover's log" \
    not_grep "Permission denied|Operation not permitted" "$T/failover-1.log"
for task in /proc/"$F_PID"/task/*; do
	[ "$(awk '$1 == "CapEff:" {print $2}' "$task/status")" = 0000000000002400 ] ||
	    fail "failover thread $(basename "$task") holds other capabilities"
done
ok "reload: branch2's thread started with the same two capabilities"

# ---- 5. hand-back
cat "$T/acks1.txt" "$T/acks2.txt" >"$T/all.txt"
fo_return_clean "$T/all.txt"
ok "hand-back: the primary holds all $(sort -u "$T/all.txt" | wc -l) bindings"

# ---- 6. a root-only file stays unreadable
(umask 077; openssl rand -hex 32 >"$T/root-only.key")
sed "s|^SharedKeyFile = .*|SharedKeyFile = $T/root-only.key|" \
    "$T/primary.ini" >"$T/root-key.ini"
out=$(nsx "$FO_NS_P" "$P_BIN" -t -c "$T/root-key.ini" 2>&1); rc=$?
say "$out"
assert "-t as _dhcpfo warns of the root-only key file, and would start (exit $rc)" \
    test "$rc" = 0
assert "... because it cannot read it" \
    grep -q "warning: .*SharedKeyFile: .*Permission denied.*without failover" <<<"$out"
pass
