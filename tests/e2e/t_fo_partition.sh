#!/bin/bash
# A partition of the heartbeat path only (docs/safety.md).  Three
# namespaces on one LAN (TEST-NET-1): the primary P 192.0.2.1, the
# failover F 192.0.2.2 and a relay R 192.0.2.3 (giaddr 198.51.100.1).  A
# blackhole route in P's namespace cuts everything P sends to F -- poll
# replies and binding updates -- while clients still reach both servers:
# F takes over although P is alive, and both serve new clients.  The
# failover's share keeps them apart: F gives new clients only addresses
# of its share (its safe period runs), P never binds one there without
# F's approval, which cannot arrive.  So:
#   - clients that take either server's offer (the relay forwards to
#     both), or reach one server only, never get an address ACKed to
#     another client;
#   - once the route is gone, F's next poll is answered ("partition
#     healed"), F hands back what it granted, and the hand-back finds no
#     conflict; every client renews with its own address.
# Ping checks are off: nothing relies on them.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/fo_lib.sh"
e2e_init
fo_require
fo_lan3 0a
fo_write_configs
p_start
f_start
fo_wait_state monitoring 10
p_wait_serving 10
out=$(load -b "$FO_RELAY" -n 100 -r 1000 -w 100 -o "$T/acks1.txt" -t 30 -i 2) ||
    fail "clients: $out"
fo_wait_holds 10 "$T/acks1.txt"

route P blackhole 192.0.2.2/32
ok "path from the primary to the failover cut"
fo_wait_state takeover 5
assert "the primary still serves" test "$(p_fostate)" = serving
assert "the failover's safe period runs" test \
    "$(fctl status branch1 --json | jq -r '.subnets[0].safe_period_running')" = true
# Both servers answer every DISCOVER; each client takes the first offer.
# The failover's share here is 25 addresses (the top 10 % of .10-.250).
out=$(load -b "$FO_RELAY" -n 16 -m 0x22 -r 1000 -w 16 -o "$T/acks2.txt" -t 30 -i 2) ||
    fail "clients of both during the partition: $out"
say "both servers: $out"
# Clients that reach one server only.
out=$(load_to "$FO_P_ADDR" -b "$FO_RELAY" -n 20 -m 0x20 -r 1000 -w 20 -o "$T/acks2.txt" -t 30 -i 2) ||
    fail "clients of the primary during the partition: $out"
say "primary side: $out"
out=$(load_to "$FO_F_ADDR" -b "$FO_RELAY" -n 5 -m 0x21 -r 1000 -w 5 -o "$T/acks2.txt" -t 30 -i 2) ||
    fail "clients of the failover during the partition: $out"
say "failover side: $out"
# Its own five at least (status snapshots may lag a moment).
assert "the failover granted some of them" \
    wait_for 5 "[ \$(fctl status branch1 --json | jq -r .acks) -ge 5 ]"
sort -u "$T/acks1.txt" "$T/acks2.txt" >"$T/all.txt"
assert "no address ACKed to two clients" check_unique "$T/all.txt"

nsx P ip route del blackhole 192.0.2.2/32 || fail "route del"
ok "path restored"
fo_wait_state monitoring 20
p_wait_serving 20
h=$(fctl history branch1 --json | jq -r '[.history[].reason] | join("|")')
grep -q "partition healed" <<<"$h" || fail "no partition-healed transition: $h"
ok "the failover saw the partition heal and handed back"
c=$(pctl status --json | jq -r '.failover.handback.conflicts')
assert "the hand-back found no conflict ($c)" test "$c" = 0
c=$(fctl status branch1 --json | jq -r .conflicts)
assert "nor did the failover in the primary's updates ($c)" test "$c" = 0

load -b "$FO_RELAY" -e "$T/all.txt" -r 1000 -w 100 -o "$T/renew.txt" -t 30 -i 2 \
    >"$T/renew.log" 2>&1
say "renewals: $(cat "$T/renew.log")"
assert "every client renewed with its own address" \
    cmp -s "$T/all.txt" <(sort -u "$T/renew.txt")
bound_of "$T/p/ctl.sock" >"$T/p-bound.txt"
assert "the primary holds every binding" check_all_held "$T/all.txt" "$T/p-bound.txt"
assert "no address bound to two clients" check_unique "$T/p-bound.txt"
assert "the failover serves nothing" \
    test "$(fctl status branch1 --json | jq -r .serving)" = false
pass
