#!/bin/bash
# kill -9 of a primary under load loses no address to two clients
# (docs/safety.md).  A primary serves thousands of new clients a second
# through a relay that forwards every request to both servers.  For the
# last few hundred ACKs before the kill its datagrams to the failover
# are dropped (nftables), so those ACKs are certain never to reach the
# failover -- what a crash does to the last BindUpdDelay's worth.  Then:
#   1. kill -9 while the load runs: the failover takes over and answers
#      the clients still arriving, from its share only (the safe period
#      runs); no address is ACKed to two clients;
#   2. the clients whose ACK never reached the failover renew through it
#      and keep their addresses (the unknown-client rule), like every
#      other client;
#   3. 500 more new clients: none gets an address anyone holds;
#   4. the primary returns: the hand-back reports no conflict, and the
#      primary holds every binding ever ACKed, none twice.
# Ping checks are off (every 127/8 address answers): nothing relies on
# them.
# SAFETY_CONTROL=1 runs the same with FailoverShare = 0 and only reports
# what happens without the share (for before/after figures).
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/fo_lib.sh"
e2e_init
fo_require
require_cmd nft
fo_net
share=10
[ "${SAFETY_CONTROL:-0}" = 1 ] && share=0
FO_P_EXTRA_FAILOVER="FailoverShare = $share"
FO_EXTRA_POLICY="FailoverShare = $share"
fo_write_configs
p_start
f_start
fo_wait_state monitoring 10
p_wait_serving 10

ACKS=$T/acks.txt
: >"$ACKS"
bg_in "$FO_NS_R" "$T/load1.log" "$LOAD" -s "$FO_P_ADDR" -S "$FO_F_ADDR" \
    -b "$FO_RELAY" -n 8000 -r 3000 -w 1000 -o "$ACKS" -t 60 -i 4 -T 500 \
    -R 4 -q
LOAD_PID=$BG_PID
wait_for 30 "[ \$(wc -l <$ACKS) -ge 2000 ] || pid_gone $LOAD_PID" ||
    fail "fewer than 2000 ACKs within 30 s"
pid_gone "$LOAD_PID" && fail "the load ended before the kill"
nsx "$FO_NS" nft -f - <<EOF || fail "nft rules refused"
table inet fo_cut {
	chain out { type filter hook output priority 0; ip saddr $FO_P_ADDR ip daddr $FO_F_ADDR udp dport 647 drop; }
}
EOF
n0=$(wc -l <"$ACKS")
wait_for 30 "[ \$(wc -l <$ACKS) -ge $((n0 + 300)) ] || pid_gone $LOAD_PID" ||
    fail "fewer than 300 more ACKs"
kill -KILL "$P_PID"
wait_for 5 "pid_gone $P_PID" || fail "primary survived SIGKILL"
nsx "$FO_NS" nft delete table inet fo_cut || fail "nft delete"
fo_wait_state takeover 5
# Every ACK recorded by now is the primary's (the failover answers only
# from its takeover on, and the primary's last ones crossed loopback long
# ago); a few of the failover's first may be among them, which only
# makes the counts below smaller.
head -n "$(wc -l <"$ACKS")" "$ACKS" | sort -u >"$T/primary-acks.txt"
say "primary killed; $(wc -l <"$T/primary-acks.txt") ACKs recorded at the takeover, load running"
wait_for 60 "pid_gone $LOAD_PID" || fail "the load did not end"
say "load: $(tail -n 1 "$T/load1.log")"

bound_of "$T/f/ctl.sock" >"$T/f-bound-1.txt"
unrepl=$(comm -23 "$T/primary-acks.txt" "$T/f-bound-1.txt" | wc -l)
fo_new=$(( $(sort -u "$ACKS" | wc -l) - $(wc -l <"$T/primary-acks.txt") ))
dups=$(sort -u "$ACKS" | awk '{ if (seen[$1] != "" && seen[$1] != $2) n++;
    seen[$1] = $2 } END { print n + 0 }')
say "ACKs the failover never heard of: $unrepl; new clients of the failover: $fo_new"
say "addresses ACKed to two clients: $dups"
if [ "$share" = 0 ]; then
	pass
fi
assert "hundreds of ACKs were unreplicated when the primary died ($unrepl)" \
    test "$unrepl" -ge 300
assert "the failover granted new clients during the load ($fo_new)" \
    test "$fo_new" -gt 0
assert "no address ACKed to two clients" test "$dups" = 0
# The share is the top 10 % of 127.16.0.10-127.16.255.250: 6,553
# addresses from 127.16.230.98 (share.c).
shares=$(fctl status branch1 --json | jq -r '.subnets[0].share_total')
assert "the share holds 6553 addresses ($shares)" test "$shares" = 6553
below=$(comm -13 "$T/primary-acks.txt" <(sort -u "$ACKS") | awk '{
    split($1, o, "."); if (o[3] * 256 + o[4] < 230 * 256 + 98) n++ }
    END { print n + 0 }')
assert "every new grant of the failover is in its share ($below outside)" \
    test "$below" = 0
running=$(fctl status branch1 --json | jq -r '.subnets[0].safe_period_running')
assert "the safe period runs" test "$running" = true

# ---- 2. every client renews through the failover and keeps its address
out=$(load -b "$FO_RELAY" -e <(sort -u "$ACKS") -r 3000 -w 1000 \
    -o "$T/renew.txt" -t 30 -i 3) || fail "renewals: $out"
say "renewals: $out"
assert "every client kept its address, the unreplicated ones too" \
    cmp -s <(sort -u "$ACKS") <(sort -u "$T/renew.txt")

# ---- 3. new clients get addresses no one holds
out=$(load -b "$FO_RELAY" -n 500 -m 0x30 -r 2000 -w 500 -o "$T/acks3.txt" \
    -t 30 -i 3) || fail "new clients: $out"
say "new clients: $out"
sort -u "$ACKS" "$T/acks3.txt" >"$T/all.txt"
assert "no address ACKed to two clients" check_unique "$T/all.txt"

# ---- 4. the primary returns: hand-back without conflicts
fo_return_clean "$T/all.txt"
pass
