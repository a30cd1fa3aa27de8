#!/bin/bash
# Crash safety: every acknowledged lease survives kill -9.
#
# The server runs in a namespace of its own, serving a large subnet on
# loopback addresses (127.16.0.0/16; 127/8 is private to the namespace);
# tests/tools/dhcpload acts as a relay (giaddr 127.16.0.1) and drives
# thousands of clients through DISCOVER/OFFER/REQUEST/ACK at a high rate,
# writing each ACK (address, chaddr) to a file as it arrives.  Once the
# file holds CRASH_AFTER lines the server gets SIGKILL mid-load.  dhcpload
# stops by itself once the server has been silent for 2 s.  Then:
#   - (dhcpfo) leasedump on the dead server's StateDir,
#   - the server restarts on the same StateDir, leases --json,
# and every recorded ACK must be a bound lease of the same chaddr.  No
# address may have been acknowledged to two clients.
. "$(dirname "$0")/lib.sh"
e2e_init

CLIENTS=${CRASH_CLIENTS:-6000}
RATE=${CRASH_RATE:-3000}
CRASH_AFTER=${CRASH_AFTER:-1500}

# The load tool: built by make as build/tools/dhcpload; else built here
# from its source and the codec it uses.
LOAD=$BUILD/tools/dhcpload
if [ ! -x "$LOAD" ]; then
	LOAD=$T/dhcpload
	cc -D_GNU_SOURCE -I"$TOP/common/dhcp" -O2 -o "$LOAD" \
	    "$TOP/tests/tools/dhcpload.c" "$TOP/common/dhcp/dhcp_codec.c" \
	    >"$T/dhcpload-build.log" 2>&1 ||
	    skip "cannot build dhcpload (see $T/dhcpload-build.log)"
	say "built dhcpload from source (no $BUILD/tools/dhcpload)"
fi

loopback_load_conf
srv_start srv

ACKS=$T/acks.txt
: >"$ACKS"
bg_in srv "$T/dhcpload.log" "$LOAD" -s 127.0.0.10 -b 127.16.0.1 \
    -n "$CLIENTS" -r "$RATE" -w 1000 -o "$ACKS" -t 120 -i 2 -T 500 -R 4
LOAD_PID=$BG_PID
say "dhcpload started: $CLIENTS clients at $RATE/s (pid $LOAD_PID)"

if ! wait_for 60 "[ \$(wc -l <$ACKS) -ge $CRASH_AFTER ] || pid_gone $LOAD_PID"; then
	fail "fewer than $CRASH_AFTER ACKs within 60 s ($(wc -l <"$ACKS"))"
fi
pid_gone "$LOAD_PID" && fail "dhcpload ended before the kill ($(wc -l <"$ACKS") ACKs): $(cat "$T/dhcpload.log")"
at_kill=$(wc -l <"$ACKS")
srv_kill9
say "server killed with $at_kill ACKs recorded, load still running"

wait_for 30 "pid_gone $LOAD_PID" || fail "dhcpload did not stop after the server died"
wait "$LOAD_PID"
sed 's/^/  /' "$T/dhcpload.log"
acks=$(wc -l <"$ACKS")
say "ACKs recorded: $acks ($((acks - at_kill)) arrived after the kill signal was sent)"
[ "$acks" -ge "$CRASH_AFTER" ] || fail "too few ACKs"
[ "$acks" -lt "$CLIENTS" ] || say "note: every client was acknowledged before the kill"

dups=$(awk '{ if (seen[$1] != "" && seen[$1] != $2) n++; seen[$1] = $2 } END { print n + 0 }' "$ACKS")
assert "no address acknowledged to two different clients ($dups)" test "$dups" = 0

# check_leases LABEL: every ACK line is a bound lease of the same chaddr.
check_leases() {
	local label=$1 json=$T/leases-$1.json found missing
	srv_leases >"$json" || fail "$label: could not read leases"
	jq -r '.leases[] | select(.state == "bound")
	    | "\(.address) \(.hwaddr | ascii_downcase)"' "$json" |
	    sort -u >"$T/bound-$label.txt"
	sort -u "$ACKS" >"$T/acked.txt"
	found=$(comm -12 "$T/acked.txt" "$T/bound-$label.txt" | wc -l)
	missing=$(comm -23 "$T/acked.txt" "$T/bound-$label.txt" | wc -l)
	say "$label: ACKs seen $(wc -l <"$T/acked.txt"), leases found $found, missing $missing (bound leases in table: $(wc -l <"$T/bound-$label.txt"))"
	if [ "$missing" -ne 0 ]; then
		comm -23 "$T/acked.txt" "$T/bound-$label.txt" | head -n 10 |
		    while read -r a m; do
			echo "  | ACKed $a to $m; server has: $(jq -c --arg a "$a" '.leases[] | select(.address == $a)' "$json")"
		done
		fail "$label: $missing acknowledged leases lost"
	fi
	ok "$label: every acknowledged lease is bound to its client"
}

if [ "$E2E_SERVER" = dhcpfo ]; then
	if [ -x "$BUILD/tools/leasedump" ]; then
		check_leases leasedump-after-crash
	else
		say "no $BUILD/tools/leasedump: checking after restart only"
	fi
fi
srv_start srv
check_leases after-restart
pass
