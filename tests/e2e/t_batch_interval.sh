#!/bin/bash
# BatchInterval (docs/performance.md): under load the primary's loop
# turns at most once per interval, so one group commit carries every
# REQUEST that arrived meanwhile; a quiet server is never held back.
#
# The server runs in a namespace of its own on loopback addresses
# (127.16.0.0/16); tests/tools/dhcpload relays new clients to it
# (giaddr 127.16.0.1).  BatchInterval = 8 (the default, written out).
#   1. quiet: 40 clients at 20/s.  No turn waited (paced_turns stays 0),
#      every client was acknowledged.
#   2. load: 3000 clients at 1000/s.  Turns waited (paced_turns rose) and
#      the commits were at most half the ACKs: several REQUESTs shared
#      each commit (one commit per REQUEST is what a loop that turns per
#      datagram makes at this rate on an idle machine).  Every client was
#      acknowledged, and every ACK is a bound lease of its client.
#   3. reload with BatchInterval = 0, the same load: no turn waits any
#      more (paced_turns does not move).
# Counters are read from `dhcpfoctl status --json` after dhcpload has
# stopped (every ACK it counted was sent after its commit), so they are
# final for the phase.
. "$(dirname "$0")/lib.sh"
e2e_init
[ "$E2E_SERVER" = dhcpfo ] || skip "dhcpfo's BatchInterval"

LOAD=$BUILD/tools/dhcpload
[ -x "$LOAD" ] || skip "no $LOAD (make all)"

E2E_SERVER_LINES="BatchInterval = 8
NewClientRatePerRelay = 0
NewClientRatePerCircuit = 0
NewClientRatePerRemoteId = 0
NewClientRatePerClient = 0"
loopback_load_conf
srv_start srv

# snap N: commits, ACKs and paced turns now, as cN, aN, pN
snap() {
	local j
	j=$(srv_status | jq -r '.counters | "\(.commits) \(.ack) \(.paced_turns)"')
	read -r "c$1" "a$1" "p$1" <<<"$j"
}
ACKS=$T/acks.txt
: >"$ACKS"

# load LABEL N RATE MAC: dhcpload to completion; prints its ACK count.
load() {
	local out
	out=$(nsx srv "$LOAD" -s 127.0.0.10 -b 127.16.0.1 -n "$2" -r "$3" \
	    -w 1000 -o "$ACKS" -t 60 -i 2 -T 500 -m "$4" 2>&1 | tail -n 1)
	echo "$out" >>"$T/dhcpload-$1.log"
	sed -n 's/.* acked \([0-9]*\) .*/\1/p' <<<"$out"
}

# ---- 1. quiet
snap 0
acked=$(load quiet 40 20 0x31)
say "quiet: $(cat "$T/dhcpload-quiet.log")"
assert "quiet: all 40 clients acknowledged ($acked)" test "$acked" = 40
snap 1
assert "quiet: no turn waited (paced_turns $p0 -> $p1)" test "$p1" = "$p0"

# ---- 2. load
acked=$(load busy 3000 1000 0x32)
say "load: $(cat "$T/dhcpload-busy.log")"
assert "load: all 3000 clients acknowledged ($acked)" test "$acked" = 3000
snap 2
say "load: ACKs $((a2 - a1)), commits $((c2 - c1)), paced turns $((p2 - p1))"
assert "load: turns waited (paced_turns $p1 -> $p2)" test "$p2" -gt "$p1"
assert "load: at most one commit per two ACKs ($((c2 - c1)) commits, $((a2 - a1)) ACKs)" \
    test $((2 * (c2 - c1))) -le $((a2 - a1))

# every ACK is a bound lease of the client it went to
srv_leases | jq -r '.leases[] | select(.state == "bound")
    | "\(.address) \(.hwaddr | ascii_downcase)"' | sort -u >"$T/bound.txt"
sort -u "$ACKS" >"$T/acked.txt"
missing=$(comm -23 "$T/acked.txt" "$T/bound.txt" | wc -l)
assert "every ACK ($(wc -l <"$T/acked.txt")) is a bound lease of its client (missing $missing)" \
    test "$missing" = 0

# ---- 3. BatchInterval = 0
sed -i 's/^BatchInterval = 8$/BatchInterval = 0/' "$T/primary.ini"
srv_ctl reload >"$T/reload.out" 2>&1 || fail "reload: $(cat "$T/reload.out")"
acked=$(load off 3000 1000 0x33)
say "BatchInterval 0: $(cat "$T/dhcpload-off.log")"
assert "BatchInterval 0: all 3000 clients acknowledged ($acked)" test "$acked" = 3000
snap 3
say "BatchInterval 0: ACKs $((a3 - a2)), commits $((c3 - c2)) (with 8 ms: $((c2 - c1)))"
assert "BatchInterval 0: no turn waited (paced_turns $p2 -> $p3)" test "$p3" = "$p2"
pass
