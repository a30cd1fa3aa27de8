#!/bin/bash
# TakeoverPingCheck (docs/design.md §3): in takeover the failover pings an
# address before it grants it to a client it holds no binding for, so a
# host still using it (a primary alive behind a cut heartbeat, a static
# address) is never given a duplicate.  TEST-NET topology: primary P,
# failover F and relay R on one LAN; R also answers on 198.51.100.226,
# the first address the failover gives a new client (its share is the top
# 10 % of the range, 198.51.100.226-250, docs/safety.md), as a squatter
# would.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/fo_lib.sh"
e2e_init
fo_require
FO_PING_CHECK=true
FO_EXTRA_SERVER="PingAttempts = 1
PingSendDelay = 200"
fo_lan3 0b
addr R lo 198.51.100.226/32
fo_write_configs
p_start
f_start
fo_wait_state monitoring 10
fo_kill_primary
out=$(load -b "$FO_RELAY" -n 5 -r 100 -w 5 -o "$T/acks.txt" -t 20 -i 3) ||
    fail "clients: $out"
say "$out"
assert "nobody got 198.51.100.226 (it answers pings)" \
    fails grep -q '^198\.51\.100\.226 ' "$T/acks.txt"
st=$(fctl leases --json | jq -r '.leases[] | select(.address == "198.51.100.226") | .state')
assert "198.51.100.226 is marked in conflict ($st)" test "$st" = conflict
# The lease above is the thread's own table; its counters reach status in
# a snapshot that may lag: wait for the one conflict, then assert it is
# the only one.
wait_for 5 "[ \$(fctl status branch1 --json | jq -r .ping_in_use) -ge 1 ]" || true
d=$(fctl status branch1 --json)
say "ping checks $(jq -r .ping_checks <<<"$d"), found in use $(jq -r .ping_in_use <<<"$d")"
assert "exactly one address was found in use" test "$(jq -r .ping_in_use <<<"$d")" = 1
pass
