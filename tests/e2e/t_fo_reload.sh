#!/bin/bash
# Reload of the failover's primaries (README "Running the failover",
# docs/control.md `reload`): a [primary] section added to failover.ini
# gets its own thread on SIGHUP (store created, start-up sync, then
# monitoring) while the running primary keeps its thread and state; a
# section removed stops that thread (its store stays on disk and serves
# again when the section comes back); a policy change reaches the thread
# without a restart; a changed subnet restarts that primary alone.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/fo_lib.sh"
e2e_init
fo_require
fo_net
(umask 077; openssl rand -hex 32 >"$T/branch2.key")
fo_write_configs
cp "$T/failover.ini" "$T/failover-1.ini"
B2_SECTIONS=$(printf '\n'; fo_b2_sections "$T/branch2.key" "PollDelay = 0.3")
fo_write_primary2

# without SECTIONS-REGEX: failover.ini without those sections.
without() { awk -v drop="$1" '/^\[/ { skip = ($0 ~ drop) } !skip' "$T/failover.ini"; }
b() { fctl status --json | jq -r ".primaries[] | select(.name == \"$1\") | .$2"; }
names() { fctl status --json | jq -r '[.primaries[].name] | join(",")'; }
pol() { fctl status "$1" --json | jq -r .policy.poll_delay; }
nhist() { fctl history "$1" --json | jq '.history | length'; }
p2ctl() { "$BUILD/dhcpfoctl" -s "$T/p2/ctl.sock" "$@"; }
flog() { cat "$T/failover-$F_STARTS.log"; }

p_start
bg_in "$FO_NS" "$T/primary2.log" "$P_BIN" -f -c "$T/primary2.ini"
f_start
fo_wait_state monitoring 10
p_wait_serving 10
out=$(load -b "$FO_RELAY" -n 100 -r 2000 -w 200 -o "$T/acks1.txt" -t 30 -i 2) ||
    fail "branch1 clients: $out"
fo_wait_holds 10 "$T/acks1.txt"
# branch2 has no failover yet: it serves alone once its CtlReqs go unanswered.
wait_for 20 "[ \"\$(p2ctl status --json | jq -r .state)\" = serving ]" ||
    fail "primary2 not serving alone"
out=$(load_to 127.0.0.3 -b 127.18.0.1 -n 100 -m 0x22 -r 2000 -w 200 -o "$T/acks2.txt" -t 30 -i 2) ||
    fail "branch2 clients: $out"
ok "one primary protected, a second one serving alone"

# ---- add branch2: SIGHUP starts its thread; branch1 keeps its state
s1=$(b branch1 state_secs); polls1=$(b branch1 polls_sent); h1=$(nhist branch1)
printf '%s\n' "$B2_SECTIONS" >>"$T/failover.ini"
nsx "$FO_NS" "$BUILD/dhcpfo-failover" -t -c "$T/failover.ini" >/dev/null ||
    fail "failover.ini with branch2 rejected by -t"
kill -HUP "$F_PID"
wait_for 5 "[ \"\$(names)\" = branch1,branch2 ]" ||
    fail "status should show two primaries: $(names)"
ok "SIGHUP added branch2: status shows two primaries"
wait_for 15 "[ \"\$(b branch2 state)\" = monitoring ]" ||
    fail "branch2 not monitoring: $(b branch2 state)"
fo_wait_holds 10 "$T/acks2.txt"
assert "branch2's start-up sync completed" test "$(b branch2 syncs_completed)" -ge 1
ok "branch2 synced its 100 bindings and monitors"
assert "branch1 still monitoring" test "$(b branch1 state)" = monitoring
assert "branch1's time in state went on (was $s1 s)" \
    test "$(echo "$(b branch1 state_secs) > $s1" | bc)" = 1
wait_for 5 "[ \$(b branch1 polls_sent) -gt $polls1 ]" ||
    fail "branch1's poll counter was reset or stuck (was $polls1, now $(b branch1 polls_sent))"
ok "branch1's poll counter went on from $polls1"
assert "branch1's history untouched" test "$(nhist branch1)" = "$h1"
assert "branch1 keeps its 100 bindings" test "$(b branch1 bindings)" -ge 100
grep -q "primary=branch2: started by reload" <(flog) || fail "no log line for branch2"

# ---- remove branch1: its thread stops, its store stays on disk
s2=$(b branch2 state_secs); polls2=$(b branch2 polls_sent)
without '^\[(primary:branch1|subnet:load)\]' >"$T/failover-2.ini"
cp "$T/failover.ini" "$T/failover-12.ini"
cp "$T/failover-2.ini" "$T/failover.ini"
kill -HUP "$F_PID"
wait_for 5 "[ \"\$(names)\" = branch2 ]" || fail "status should show branch2 only: $(names)"
wait_for 5 "grep -q 'primary=branch1: removed by reload' \"$T/failover-$F_STARTS.log\"" ||
    fail "no log line for the removal"
ok "SIGHUP removed branch1: its thread stopped, status shows one primary"
assert "branch1's thread is gone" fails fctl status branch1
assert "branch1's store stays on disk" test -e "$T/f/state/branch1.db"
assert "branch2 still monitoring" test "$(b branch2 state)" = monitoring
assert "branch2's time in state went on" test "$(echo "$(b branch2 state_secs) > $s2" | bc)" = 1
assert "branch2's poll counter went on" test "$(b branch2 polls_sent)" -ge "$polls2"

# ---- policy change on the remaining primary: applied, state kept
s2=$(b branch2 state_secs); h2=$(nhist branch2)
sed -i 's/^PollDelay = 0.3$/PollDelay = 0.75/' "$T/failover.ini"
fctl reload >"$T/reload.txt" || { cat "$T/reload.txt"; fail "reload"; }
assert "reload applied branch2's PollDelay 0.75" \
    test "$(pol branch2)" = 0.75
wait_for 5 "grep -q 'primary=branch2: reload: PollDelay 0.75' \"$T/failover-$F_STARTS.log\"" ||
    fail "branch2's thread did not log the new policy"
# Cadence: the next polls are 0.75 s apart (0.3 before).
p0=$(b branch2 polls_sent); t0=$(now_s)
wait_for 10 "[ \$(b branch2 polls_sent) -ge $((p0 + 4)) ]" || fail "branch2 stopped polling"
dt=$(echo "$(now_s) - $t0" | bc)
say "4 polls in $dt s"
assert "polls follow PollDelay 0.75 (4 polls took $dt s, over 1.8 s)" \
    test "$(echo "$dt > 1.8" | bc)" = 1
assert "branch2 kept its state and history" \
    test "$(b branch2 state)/$(nhist branch2)" = "monitoring/$h2"
assert "branch2's time in state went on" test "$(echo "$(b branch2 state_secs) > $s2" | bc)" = 1

# ---- an invalid file changes nothing
cp "$T/failover.ini" "$T/failover-good.ini"
echo "Bogus = 1" >>"$T/failover.ini"
assert "reload of an invalid file is refused" fails fctl reload
assert "still branch2 alone, same policy" \
    test "$(names)/$(pol branch2)" = "branch2/0.75"
cp "$T/failover-good.ini" "$T/failover.ini"

# ---- branch1 back: its store is loaded again, its primary monitored
cp "$T/failover-12.ini" "$T/failover.ini"
kill -HUP "$F_PID"
wait_for 5 "[ \"\$(names)\" = branch1,branch2 ]" || fail "branch1 not back: $(names)"
# What its store held is logged when the thread is made, before status
# lists it; status shows them once the new thread published.
n=$(grep -o 'primary=branch1: [0-9]* bindings\? in the store' "$T/failover-$F_STARTS.log" |
    tail -n 1 | awk '{print $2}')
assert "branch1's 100 bindings came back from its store (loaded: $n)" test "${n:-0}" -ge 100
wait_for 5 "[ \$(b branch1 bindings) -ge 100 ]" || true
assert "status shows them ($(b branch1 bindings))" test "$(b branch1 bindings)" -ge 100
fo_wait_state monitoring 15
ok "branch1 re-added: bindings from its store, monitoring"

# ---- a changed subnet restarts that primary alone
h1=$(nhist branch1); s1=$(b branch1 state_secs)
sed -i '/^\[subnet:b2\]/,/^\[/ s/^LeaseTime = 3600$/LeaseTime = 1800/' "$T/failover.ini"
kill -HUP "$F_PID"
wait_for 5 "grep -q 'primary=branch2: subnets, hosts, options or classes changed; restarting it' \"$T/failover-$F_STARTS.log\"" ||
    fail "branch2 was not restarted"
wait_for 15 "[ \"\$(b branch2 state)\" = monitoring ]" || fail "branch2 not back to monitoring"
assert "branch2 holds its bindings after the restart" test "$(b branch2 bindings)" -ge 100
assert "branch1 untouched by branch2's restart" \
    test "$(nhist branch1)/$(echo "$(b branch1 state_secs) > $s1" | bc)" = "$h1/1"
ok "a changed subnet restarted branch2 alone"
assert "no datagram rejected" \
    test "$(fctl status --json | jq '[.primaries[].rejections] | add')" = 0
pass
