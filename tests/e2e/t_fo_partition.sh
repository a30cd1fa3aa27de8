#!/bin/bash
# A partition of the heartbeat path only (DESIGN 3 "Safety", "Conflicts").
# Three namespaces on one LAN (TEST-NET-1): the primary P 192.0.2.1, the
# failover F 192.0.2.2 and a relay R 192.0.2.3 (giaddr 198.51.100.1).  A
# blackhole route in P's namespace cuts everything P sends to F -- poll
# replies and binding updates -- while clients still reach both servers:
# F takes over although P is alive, both serve, and one address may end
# up bound to two clients.  Once the route is gone F's next poll is
# answered ("partition healed"), F hands back what it granted, and the
# primary keeps, per address, the binding it can prove newer; the losing
# client is NAKed at its next renewal.  In the end the primary serves
# alone and no address is bound to two clients.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/fo_lib.sh"
e2e_init
fo_require
FO_NS_P=P FO_NS_F=F FO_NS_R=R
FO_P_ADDR=192.0.2.1 FO_F_ADDR=192.0.2.2
FO_RELAY=198.51.100.1
FO_NET=198.51.100.0/24 FO_RANGE=198.51.100.10-198.51.100.250
lan_new
lan_attach P p0 02:00:00:00:0a:01
lan_attach F f0 02:00:00:00:0a:02
lan_attach R r0 02:00:00:00:0a:03
addr P p0 192.0.2.1/24
addr F f0 192.0.2.2/24
addr R r0 192.0.2.3/24
addr R lo 198.51.100.1/32
route P 198.51.100.0/24 via 192.0.2.3
route F 198.51.100.0/24 via 192.0.2.3
fo_dirs
fo_write_configs
p_start
f_start
fo_wait_state monitoring 10
p_wait_serving 10
out=$(load -b "$FO_RELAY" -n 100 -r 1000 -w 100 -o "$T/acks1.txt" -t 30 -i 2) ||
    fail "clients: $out"
wait_for 10 "[ \$(fo_field bindings) -ge 100 ]" || fail "replication"

route P blackhole 192.0.2.2/32
ok "path from the primary to the failover cut"
fo_wait_state takeover 5
assert "the primary still serves" test "$(p_fostate)" = serving
# Clients on either side of the cut reach one server each, so the two
# grant the same free addresses to different clients: duplicates.
out=$(load_to "$FO_P_ADDR" -b "$FO_RELAY" -n 50 -m 0x20 -r 1000 -w 50 -o "$T/acks2.txt" -t 30 -i 2) ||
    fail "clients of the primary during the partition: $out"
say "primary side: $out"
wait_until_after "$(date +%s)"
out=$(load_to "$FO_F_ADDR" -b "$FO_RELAY" -n 50 -m 0x21 -r 1000 -w 50 -o "$T/acks2.txt" -t 30 -i 2) ||
    fail "clients of the failover during the partition: $out"
say "failover side: $out"
dups=$(sort -u "$T/acks1.txt" "$T/acks2.txt" |
    awk '{ if (seen[$1] != "" && seen[$1] != $2) n++; seen[$1] = $2 } END { print n + 0 }')
say "addresses acknowledged to two clients by the two servers: $dups"
say "failover ACKs: $(fctl status branch1 --json | jq -r .acks)"

nsx P ip route del blackhole 192.0.2.2/32 || fail "route del"
ok "path restored"
fo_wait_state monitoring 20
p_wait_serving 20
h=$(fctl history branch1 --json | jq -r '[.history[].reason] | join("|")')
grep -q "partition healed" <<<"$h" || fail "no partition-healed transition: $h"
ok "the failover saw the partition heal and handed back"
c=$(pctl status --json | jq -r '.failover.handback.conflicts')
say "conflicts resolved by the primary: $c; last: $(pctl status --json | jq -r '.failover.handback.last_conflict')"
assert "every duplicate was seen as a conflict ($c >= $dups)" test "$c" -ge "$dups"

# Every client renews: it keeps its address, or (the loser of a
# conflict) is NAKed and would start over.
sort -u "$T/acks1.txt" "$T/acks2.txt" >"$T/all.txt"
load -b "$FO_RELAY" -e "$T/all.txt" -r 1000 -w 100 -o "$T/renew.txt" -t 30 -i 2 \
    >"$T/renew.log" 2>&1
say "renewals: $(cat "$T/renew.log")"
naks=$(sed -n 's/.* nak \([0-9]*\) .*/\1/p' "$T/renew.log")
moved=$(sed -n 's/.* moved \([0-9]*\)$/\1/p' "$T/renew.log")
assert "no renewal was ACKed with another address ($moved)" test "$moved" = 0
assert "at most one NAK per duplicate ($naks <= $dups)" test "$naks" -le "$dups"
bound_of "$T/p/ctl.sock" >"$T/p-bound.txt"
assert "every renewed binding is the primary's" check_all_held "$T/renew.txt" "$T/p-bound.txt"
assert "no address bound to two clients" check_unique "$T/p-bound.txt"
assert "the failover serves nothing" \
    test "$(fctl status branch1 --json | jq -r .serving)" = false
pass
