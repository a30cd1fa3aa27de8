#!/bin/bash
# Pool starvation limits in the failover's takeover serving
# (docs/security.md "LAN clients and relays"): the failover runs the
# primary's engine with its own [server] limits.  Per-relay new-client
# limit 20 a second in bursts of 40, UnofferedLeaseTime 120 s, on both
# servers.
#   1. 30 clients bind through the primary; the failover holds them;
#   2. kill -9 of the primary: takeover;
#   3. an INIT-REBOOT sweep of 300 addresses through the relay, at 3000
#      a second: the failover ACKs at most its bucket, each binding for
#      120 s, drops the rest as rate-relay (its status counts them);
#   4. the 30 clients renew through the same, empty, bucket: renewals
#      are never limited, and their replicated bindings get the normal
#      lease time.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/fo_lib.sh"
e2e_init
fo_require
E2E_SERVER_LINES="NewClientRatePerRelay = 20
NewClientBurstPerRelay = 40
UnofferedLeaseTime = 120"
fo_up
ok "start-up: failover monitoring, primary serving"

out=$(load -b "$FO_RELAY" -n 30 -r 10 -o "$T/acks1.txt" -t 30 -i 2) ||
    fail "phase 1 clients: $out"
say "$out"
fo_wait_holds 10 "$T/acks1.txt"
fo_kill_primary
ok "takeover"

# An address range no client of phase 1 holds.
out=$(load_to "$FO_F_ADDR" -b "$FO_RELAY" -I 127.16.10.10 -n 300 -r 3000 \
    -R 0 -T 500 -m 0x22 -o "$T/sweep.txt" -t 10 -i 2)
say "sweep: $out"
acks=$(wc -l <"$T/sweep.txt" 2>/dev/null || echo 0)
assert "the sweep got ACKs ($acks)" test "$acks" -ge 1
assert "the failover's relay bucket stopped it ($acks <= 60 of 300)" \
    test "$acks" -le 60
drops=$(fctl status branch1 --json | jq -r '.drops["rate-relay"]')
assert "the failover counts the sweep's drops (rate-relay $drops >= 200)" \
    test "$drops" -ge 200
fctl leases --json >"$T/f-leases.json"
while read -r addr mac; do
	lt=$(jq -r --arg a "$addr" \
	    '.leases[] | select(.address == $a) | .ends - .starts' \
	    "$T/f-leases.json")
	[ "$lt" = 120 ] || fail "sweep lease $addr ($mac) runs $lt s, not 120"
done <"$T/sweep.txt"
ok "every ACKed sweep binding runs UnofferedLeaseTime (120 s)"
grep -q "primary=branch1: new-client rate limit: dropped a request (rate-relay" \
    "$T"/failover*.log || fail "no rate-limit line in the failover's log"
ok "the failover logged the drops"

out=$(load_to "$FO_F_ADDR" -b "$FO_RELAY" -e "$T/acks1.txt" -r 3000 \
    -o "$T/renew1.txt" -t 10 -i 2) || fail "renewals during takeover: $out"
say "renewals: $out"
assert "every renewing client kept its address" \
    cmp -s <(sort -u "$T/acks1.txt") <(sort -u "$T/renew1.txt")
fctl leases --json >"$T/f-leases.json"
read -r addr _ <"$T/acks1.txt"
lt=$(jq -r --arg a "$addr" \
    '.leases[] | select(.address == $a) | .ends - .starts' "$T/f-leases.json")
assert "a renewed binding runs the normal lease ($lt s >= 3600)" \
    test "$lt" -ge 3600
pass
