#!/bin/bash
# TakeoverPingCheck (DESIGN 3 "Safety"): in takeover the failover pings an
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
FO_NS_P=P FO_NS_F=F FO_NS_R=R
FO_P_ADDR=192.0.2.1 FO_F_ADDR=192.0.2.2
FO_RELAY=198.51.100.1
FO_NET=198.51.100.0/24 FO_RANGE=198.51.100.10-198.51.100.250
FO_PING_CHECK=true
FO_EXTRA_SERVER="PingAttempts = 1
PingSendDelay = 200"
lan_new
lan_attach P p0 02:00:00:00:0b:01
lan_attach F f0 02:00:00:00:0b:02
lan_attach R r0 02:00:00:00:0b:03
addr P p0 192.0.2.1/24
addr F f0 192.0.2.2/24
addr R r0 192.0.2.3/24
addr R lo 198.51.100.1/32
addr R lo 198.51.100.226/32
route P 198.51.100.0/24 via 192.0.2.3
route F 198.51.100.0/24 via 192.0.2.3
fo_dirs
fo_write_configs
p_start
f_start
fo_wait_state monitoring 10
kill -KILL "$P_PID"
wait_for 5 "pid_gone $P_PID" || fail "primary survived SIGKILL"
fo_wait_state takeover 5
out=$(load -b "$FO_RELAY" -n 5 -r 100 -w 5 -o "$T/acks.txt" -t 20 -i 3) ||
    fail "clients: $out"
say "$out"
assert "nobody got 198.51.100.226 (it answers pings)" \
    fails grep -q '^198\.51\.100\.226 ' "$T/acks.txt"
st=$(fctl leases --json | jq -r '.leases[] | select(.address == "198.51.100.226") | .state')
assert "198.51.100.226 is marked in conflict ($st)" test "$st" = conflict
d=$(fctl status branch1 --json)
say "ping checks $(jq -r .ping_checks <<<"$d"), found in use $(jq -r .ping_in_use <<<"$d")"
assert "exactly one address was found in use" test "$(jq -r .ping_in_use <<<"$d")" = 1
pass
