#!/bin/bash
# Pool starvation from the LAN (docs/security.md "LAN clients and
# relays").  LAN 198.51.100.0/24 behind ISC dhcrelay (giaddr
# 198.51.100.1, option 82 on); a second relay of the same LAN, giaddr
# 198.51.100.2, is tests/tools/dhcpload in its own namespace, wired
# straight to the server.  The pool is .100-.199 (100 addresses), offers
# are held 10 s, and the per-relay new-client limit is 5 a second in
# bursts of 10.
#   1. A flood of DISCOVERs of random clients (dhcpload -D, 400 a second
#      for 5 s) through the second relay, while a real dhclient behind
#      dhcrelay starts: it gets its lease within 5 s (without the limit
#      the flood holds every address for 10 s); the flood got at most
#      10 + 5 a second of offers, the rest counted as rate-relay.
#   2. An INIT-REBOOT sweep of the pool (dhcpload -I, 100 clients each
#      asking for one address of it, no server identifier): the ACKed
#      ones get UnofferedLeaseTime (120 s) and the relay's bucket stops
#      the sweep long before the pool is empty.
. "$(dirname "$0")/lib.sh"
e2e_init
require_cmd dhcrelay dhclient jq

LOAD=$BUILD/tools/dhcpload
[ -x "$LOAD" ] || skip "no $LOAD (make all)"

relay_lan 02:00:00:00:03:01
# The second relay: 198.51.100.2 on its own link to the server.
ns_add flood
veth flood eth0 srv eth1
addr flood eth0 198.51.100.2/32
route flood 192.0.2.10/32 dev eth0
route srv 198.51.100.2/32 dev eth1

E2E_SERVER_LINES="NewClientRatePerRelay = 5
NewClientBurstPerRelay = 10
UnofferedLeaseTime = 120"
srv_conf branch1 192.0.2.10 ""
srv_subnet lan1 198.51.100.0/24 198.51.100.100-198.51.100.199 198.51.100.1
srv_write_config
SRV_NS=srv
srv_check_config >"$T/config-check.log" 2>&1 || fail "config rejected by -t"
srv_start srv
relay_start 192.0.2.10

drops() { srv_status | jq -r ".drops[\"$1\"]"; }

# ---- 1. DISCOVER flood from one relay, a real client behind the other
say "-- flood: 2000 random clients' DISCOVERs at 400/s via 198.51.100.2"
bg_in flood "$T/flood.log" "$LOAD" -s 192.0.2.10 -b 198.51.100.2 \
    -n 2000 -r 400 -w 2000 -D -R 0 -T 500 -i 0 -t 30 -m 0x21
FLOOD_PID=$BG_PID
wait_for 10 "[ \$(drops rate-relay) -ge 100 ]" ||
    fail "the flood is not being limited (rate-relay $(drops rate-relay))"
ok "the flood is limited (rate-relay $(drops rate-relay))"
lan_attach c1 eth0 02:00:00:00:04:01
C_MAC[c1]=02:00:00:00:04:01
t0=$(now_ms)
client_start dhclient c1 eth0
a=$(client_wait_addr c1 5) || exit 1
took=$(( $(now_ms) - t0 ))
C_ADDR[c1]=$a
pid_gone "$FLOOD_PID" && fail "the flood ended before the client was served"
ok "dhclient behind dhcrelay got $a in $took ms, during the flood"
expect_lease "$a" bound 02:00:00:00:04:01
assert "its lease is the normal one (3600 s)" \
    test "$(lease_field "$a" ends)" -ge "$(( $(lease_field "$a" starts) + 3600 ))"
wait_for 20 "pid_gone $FLOOD_PID" || fail "dhcpload did not finish"
grep -o 'discover [0-9]* offer [0-9]*' "$T/flood.log" | sed 's/^/  flood: /'
n_off=$(grep -o 'offer [0-9]*' "$T/flood.log" | awk '{print $2}')
# 10 at once, 5 a second for the flood's ~5 s, and a little slack.
assert "the flood got at most 40 offers ($n_off)" test "$n_off" -le 40
assert "the flood's drops are counted (rate-relay $(drops rate-relay) >= 1900)" \
    test "$(drops rate-relay)" -ge 1900
assert "no request went unanswered for want of an address" \
    test "$(drops no-free-address)" = 0
grep -q "new-client rate limit: dropped a request (rate-relay, relay 198.51.100.2)" \
    "$SRV_LOG" || fail "no rate-limit summary line in the server's log"
lines=$(grep -c "new-client rate limit" "$SRV_LOG")
assert "the drops are summed up in at most one line a second ($lines)" \
    test "$lines" -le 8

# ---- 2. INIT-REBOOT sweep of the pool through the same relay
say "-- INIT-REBOOT sweep: 100 clients each asking for one pool address"
before=$(srv_leases | jq '[.leases[] | select(.state == "bound")] | length')
nsx flood "$LOAD" -s 192.0.2.10 -b 198.51.100.2 -I 198.51.100.100 \
    -n 100 -r 1000 -R 0 -T 500 -i 2 -t 10 -m 0x22 -o "$T/sweep.acks" \
    >"$T/sweep.log" 2>&1
sed 's/^/  | /' "$T/sweep.log"
acks=$(wc -l <"$T/sweep.acks" 2>/dev/null || echo 0)
bound=$(srv_leases | jq '[.leases[] | select(.state == "bound")] | length')
say "sweep: $acks ACKs; bound leases $before -> $bound"
assert "the sweep got some ACKs ($acks)" test "$acks" -ge 1
assert "the relay's bucket stopped the sweep ($acks ACKs <= 20)" \
    test "$acks" -le 20
assert "the pool was not emptied ($bound of 100 bound)" test "$bound" -le 30
while read -r addr mac; do
	lt=$(( $(lease_field "$addr" ends) - $(lease_field "$addr" starts) ))
	[ "$lt" -eq 120 ] || fail "sweep lease $addr ($mac) runs $lt s, not 120"
done <"$T/sweep.acks"
ok "every ACKed sweep binding runs UnofferedLeaseTime (120 s)"
pid_gone "$RELAY_PID" && fail "dhcrelay died"
pass
