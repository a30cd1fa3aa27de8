#!/bin/bash
# SyncFailCritical (docs/design.md §4): a start-up sync that fails -- no SyncStart
# after SyncReqRetryMax + 1 SyncReq -- ends the failover when the
# parameter is true, and lets it poll when false.  With several
# primaries only the primary whose sync failed is given up (its thread
# stops, status says why); the daemon exits with 75 only when no primary
# is left protected (README "SyncFailCritical").
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/fo_lib.sh"
e2e_init
fo_require
fo_net
FO_WAIT_SYNC_START=0.5 FO_SYNC_RETRY=1	# fails 1 s after the first SyncReq

# ---- A: one primary, not running, SyncFailCritical = true: exit 75.
FO_EXTRA_POLICY="SyncFailCritical = true"
fo_write_configs
f_start
wait_for 10 "pid_gone $F_PID" || fail "failover still running after the sync failed"
wait "$F_PID"; rc=$?
assert "failover exited with 75 (EXIT_SYNCFAIL), got $rc" test "$rc" = 75
grep -q "no primary is protected any more" "$T/failover-$F_STARTS.log" ||
    fail "no log line about why it stopped"
ok "log says why"

# ---- B: SyncFailCritical = false: polls, then takes over (nobody answers).
rm -rf "$T/f/state"
FO_EXTRA_POLICY="SyncFailCritical = false"
fo_write_configs
f_start
fo_wait_state takeover 10
assert "one sync failed" test "$(fo_field syncs_failed)" = 1
assert "history: syncing -> monitoring (sync failed) -> takeover" \
    test "$(fctl history --json | jq -r '[.history[].to] | join(",")')" = \
    "syncing,monitoring,takeover"
kill -TERM "$F_PID"; wait_for 10 "pid_gone $F_PID"; wait "$F_PID"

# ---- C: two primaries, both critical; branch1 runs, branch2 does not.
rm -rf "$T/f/state"
(umask 077; openssl rand -hex 32 >"$T/branch2.key")
FO_EXTRA_POLICY="SyncFailCritical = true"
FO_EXTRA_PRIMARIES="
[primary:branch2]
Address = 127.0.0.4
Port = 647
SharedKeyFile = $T/branch2.key
[subnet:b2]
Primary = branch2
Subnet = 127.18.0.0/16
Range = 127.18.0.10-127.18.0.250"
fo_write_configs
p_start
f_start
fo_wait_state monitoring 10
b2() { fctl status --json | jq -r ".primaries[] | select(.name == \"branch2\") | .$1"; }
wait_for 10 "[ \"\$(b2 state)\" = stopped ]" || fail "branch2 not stopped: $(b2 state)"
ok "branch2's thread is stopped"
assert "branch2 is reported critical" test "$(b2 critical)" = true
say "branch2: $(b2 stop_reason)"
assert "the daemon keeps running" test -e "/proc/$F_PID"
assert "branch1 is still protected (monitoring)" test "$(fo_state)" = monitoring
kill -KILL "$P_PID"; wait_for 5 "pid_gone $P_PID"
fo_wait_state takeover 5
ok "branch1 is taken over when its primary dies"
pass
