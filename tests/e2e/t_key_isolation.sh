#!/bin/bash
# A key problem is an alarm for its own pair only (docs/security.md "Key
# problems"):
#   - the primary branch1 with a key file of mode 0644 passes -t with a
#     warning, starts, serves DHCP without its failover (as when the
#     heartbeat path is cut), and shows the key error in status and log;
#     the key fixed and the configuration reloaded, the link comes up and
#     the failover syncs its bindings -- no restart;
#   - the failover, whose key file for branch2 is missing, passes -t with
#     a warning, starts, and protects branch1 (kill -9 of it: takeover)
#     while branch2 shows "key-error"; the key put in place and the
#     configuration reloaded, branch2's thread starts and monitors.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/fo_lib.sh"
e2e_init
fo_require
FO_WAIT_CTL=1
FO_CTL_RETRY=1
fo_net
(umask 077; openssl rand -hex 32 >"$T/branch2.key")
F_KEY2=$T/f-branch2.key		# the failover's copy: missing at first
FO_EXTRA_PRIMARIES=$(fo_b2_sections "$F_KEY2")
# fo_write_configs checks both files with -t: key problems must pass.
fo_write_configs
grep -q "warning: .*\[primary:branch2\] SharedKeyFile: $F_KEY2: cannot open key file.*primary=branch2 will not be protected" \
    "$T/check-f.log" || { cat "$T/check-f.log"; fail "failover -t: no warning for branch2"; }
ok "failover -t: exit 0, with a warning for branch2's missing key"

# The primary's own copy of branch1's key, readable by others.
P_KEY=$T/p/branch1.key
cp "$T/branch1.key" "$P_KEY"
chmod 0644 "$P_KEY"
sed -i "s|^SharedKeyFile = .*|SharedKeyFile = $P_KEY|" "$T/primary.ini"
nsx "$FO_NS" "$P_BIN" -t -c "$T/primary.ini" >"$T/t.log" 2>&1 ||
    { cat "$T/t.log"; fail "primary -t refused a key problem"; }
grep -q "warning: .*\[failover\] SharedKeyFile: $P_KEY: key file is accessible by group or others (mode 0644); run \`chmod 600 $P_KEY\`: the primary will serve DHCP without failover until this is fixed" \
    "$T/t.log" || { cat "$T/t.log"; fail "primary -t: no warning"; }
ok "primary -t: exit 0, with a warning naming the key, the path and the fix"

fo_write_primary2 "CtlReqRetryMax = 1"
p2ctl() { "$BUILD/dhcpfoctl" -s "$T/p2/ctl.sock" "$@"; }
b2() { fctl status --json | jq -r ".primaries[] | select(.name == \"branch2\") | .$1"; }

# ---- start all three: nothing exits for a key
f_start
p_start
bg_in "$FO_NS" "$T/primary2.log" "$P_BIN" -f -c "$T/primary2.ini"
P2_PID=$BG_PID
wait_for 10 "p2ctl status --json | jq -e .state" || fail "primary2 not up"

assert "failover shows branch2 as key-error" test "$(b2 state)" = key-error
assert "with the loader's message" \
    grep -q "cannot open key file" <(b2 keys.error)
fctl status >"$T/fstatus.txt"
grep -q "branch2 .*key-error.*KEY ERROR: \[primary:branch2\] SharedKeyFile: $F_KEY2" "$T/fstatus.txt" ||
    { cat "$T/fstatus.txt"; fail "failover status text lacks the key error"; }
grep -q "key error: \[primary:branch2\] SharedKeyFile: $F_KEY2: cannot open key file: No such file or directory: primary=branch2 will not be protected" \
    "$T/failover-$F_STARTS.log" || fail "failover log lacks the key error"
ok "failover: branch2 not started, key error in status and log"

# The primary: an alarm, and DHCP served without its failover.
assert "primary status shows the key error" \
    grep -q "mode 0644" <(pctl status --json | jq -r .failover.keys.error)
pctl status >"$T/pstatus.txt"
grep -q "KEY ERROR: *\[failover\] SharedKeyFile: $P_KEY" "$T/pstatus.txt" ||
    { cat "$T/pstatus.txt"; fail "primary status text lacks the key error"; }
grep -q "failover: key error: \[failover\] SharedKeyFile: $P_KEY: key file is accessible by group or others (mode 0644); run \`chmod 600 $P_KEY\`: the primary serves DHCP without failover" \
    "$T/primary-$P_STARTS.log" || fail "primary log lacks the alarm"
p_wait_serving 10
out=$(load_to "$FO_P_ADDR" -b "$FO_RELAY" -n 100 -r 2000 -w 100 -o "$T/acks1.txt" -t 20 -i 2) ||
    fail "clients of the primary with a key problem: $out"
ok "primary with a key problem serves DHCP alone: $out"

# ---- fix the primary's key and reload: the link comes up, no restart
chmod 0600 "$P_KEY"
pctl reload >"$T/reload.txt" 2>&1 || { cat "$T/reload.txt"; fail "primary reload"; }
assert "the key error is gone" test -z "$(pctl status --json | jq -r .failover.keys.error)"
wait_for 5 "[ \"\$(pctl status --json | jq -r .failover.keys.peer_id)\" = \"\$(pctl status --json | jq -r .failover.keys.signing_id)\" ]" ||
    fail "the primary hears nothing from its failover"
fo_wait_state monitoring 20
fo_wait_holds 15 "$T/acks1.txt"
p_wait_serving 10
assert "the primary was not restarted" test "$(pid_gone "$P_PID" && echo gone)" = ""
ok "key fixed by reload: link up, failover monitoring with the 100 bindings"

# ---- branch1 is protected while branch2 has no key
fo_kill_primary
ok "kill -9 of branch1: the failover took over ($(fo_field last_takeover_reason))"
assert "branch2 still key-error" test "$(b2 state)" = key-error

# ---- branch2's key put in place, reload: its thread starts
wait_for 20 "[ \"\$(p2ctl status --json | jq -r .state)\" = serving ]" ||
    fail "primary2 not serving alone"
(umask 077; cp "$T/branch2.key" "$F_KEY2")
fctl reload >"$T/reload.txt" 2>&1 || { cat "$T/reload.txt"; fail "failover reload"; }
wait_for 15 "[ \"\$(b2 state)\" = monitoring ]" ||
    fail "branch2 not monitoring after the reload: $(b2 state)"
assert "branch2's key error is gone" test -z "$(b2 keys.error)"
assert "branch1 still taken over" test "$(fo_state)" = takeover
grep -q "primary=branch2: started by reload" "$T/failover-$F_STARTS.log" ||
    fail "no log line for branch2's start"
ok "key in place, reload: branch2's thread started and monitors"
pass
