#!/bin/bash
# The lease log (docs/lease-log.md): one line per lease event, with the
# fields an operator greps for, from both daemons.
#
# Relayed clients as in t_relay.sh: a LAN (198.51.100.0/24) behind ISC
# dhcrelay with option 82 on (-a: circuit-id = its LAN interface,
# "down0"), the primary in its own namespace (192.0.2.10).  Checked, in
# the primary's log:
#   - grant: dhclient c1, with addr, hwaddr, hostname, giaddr,
#     circuit-id, subnet, server and lease; exactly one for the client;
#   - renew: c1 restarted (INIT-REBOOT with its binding);
#   - release: dhclient -r;
#   - nak: dhclient c2 starting from a lease of another network
#     (INIT-REBOOT for 203.0.113.77: "wrong network"), then its grant;
#   - decline: dhcpcd (ARP probing on) is given its reservation .50,
#     which a static host on the LAN holds, and declines it;
#   - expire: the primary restarted with its clock two hours ahead
#     (tests/tools/clockshift.c), as if it had been down that long: c2's
#     binding ran out meanwhile and the first sweep says so;
#   - LeaseLog = no, applied by a reload: udhcpc c3 gets and releases a
#     lease, no line is written, the status counter stands still;
#   - status shows the counters (text and JSON).
# Then a primary and its failover on loopback (tests/tools/fo_lib.sh):
# the primary is killed, the failover takes over and grants one client
# (dhcpload): its line says server=failover:hub1/branch1; after a reload
# with LeaseLog = no it grants another without a line.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/fo_lib.sh"
e2e_init
[ "$E2E_SERVER" = dhcpfo ] || skip "the lease log is dhcpfo's"
require_cmd dhcrelay dhclient dhcpcd busybox
fo_require
[ -f "$BUILD/tools/clockshift.so" ] ||
    skip "$BUILD/tools/clockshift.so not built (run make)"

# ---- what the log says

# ll_lines KIND [LOG]: the lease log lines of KIND ("lease KIND ...").
ll_lines() {
	sed -n "s/^.* info: \(lease $1 .*\)\$/\1/p" "${2:-$SRV_LOG}"
}

# ll_has KIND FIELD...: some line of KIND in $LL_LOG holds every FIELD.
LL_LOG=""
ll_has() {
	local kind=$1 line f hit
	shift
	while IFS= read -r line; do
		hit=1
		for f in "$@"; do
			case $line in *"$f"*) ;; *) hit=0; break ;; esac
		done
		[ "$hit" = 1 ] && return 0
	done < <(ll_lines "$kind" "$LL_LOG")
	return 1
}

# expect_ll KIND FIELD...: such a line appears within 10 s.
expect_ll() {
	LL_WANT=("$@")
	if wait_for 10 'll_has "${LL_WANT[@]}"'; then
		ok "lease log: $*"
	else
		say "lease lines now:"
		sed -n 's/^.* info: \(lease .*\)$/  | \1/p' "$LL_LOG"
		fail "no lease log line: $*"
	fi
}

# ---- the relayed LAN and the primary

relay_lan 02:00:00:00:07:fe

M1=02:00:00:00:07:01 M2=02:00:00:00:07:02 MD=02:00:00:00:07:03
M3=02:00:00:00:07:04 RES=198.51.100.50
srv_conf branch1 192.0.2.10 ""
srv_subnet lan1 198.51.100.0/24 198.51.100.100-198.51.100.199 198.51.100.1
srv_host dc "$MD" "$RES"
srv_write_config
SRV_NS=srv
srv_check_config >"$T/config-check.log" 2>&1 || fail "config rejected by -t"
srv_start srv
LL_LOG=$SRV_LOG

relay_start 192.0.2.10

# c2 starts from a lease of another network: it asks for it first.
lan_attach c2 eth0 "$M2"
mkdir -p "$T/c2"
cat >"$T/c2/dhclient.leases" <<EOF
lease {
  interface "eth0";
  fixed-address 203.0.113.77;
  option subnet-mask 255.255.255.0;
  option dhcp-lease-time 3600;
  option dhcp-server-identifier 192.0.2.10;
  renew 4 2037/12/31 00:00:00;
  rebind 4 2037/12/31 00:00:00;
  expire 4 2037/12/31 00:00:00;
}
EOF
# dc's reservation is held by a static host: dhcpcd's ARP probe finds it.
lan_attach squatter eth0 02:00:00:00:07:99
addr squatter eth0 "$RES/24"
lan_attach c1 eth0 "$M1"
lan_attach dc eth0 "$MD"
client_start dhclient c1 eth0
client_start dhclient c2 eth0
DHCPCD_ARP=1 client_start dhcpcd dc eth0

A1=$(client_wait_addr c1) || exit 1
say "c1 got $A1"
expect_ll grant "addr=$A1 " "hwaddr=$M1 " 'hostname="c1" ' \
    "giaddr=198.51.100.1 " 'circuit-id="down0" ' "remote-id=" \
    "subnet=198.51.100.0/24 " "server=branch1 " "lease=3600"
assert "one grant line for $M1" \
    test "$(ll_lines grant | grep -c "hwaddr=$M1 ")" = 1

expect_ll nak "addr=203.0.113.77 " "hwaddr=$M2 " "giaddr=198.51.100.1 " \
    'circuit-id="down0" ' 'reason="wrong network"'
A2=$(client_wait_addr c2) || exit 1
expect_ll grant "addr=$A2 " "hwaddr=$M2 " 'hostname="c2" '

expect_ll grant "addr=$RES " "hwaddr=$MD "
expect_ll decline "addr=$RES " "hwaddr=$MD " "giaddr=198.51.100.1 " \
    "subnet=198.51.100.0/24 " "server=branch1"

wait_until_after "$(lease_field "$A1" starts)"
client_renew c1
expect_ll renew "addr=$A1 " "hwaddr=$M1 " "giaddr=198.51.100.1 " \
    "server=branch1 " "lease=3600"
client_release c1
expect_ll release "addr=$A1 " "hwaddr=$M1 " "server=branch1"

n=$(counter lease_log_lines)
assert "status counts the lines ($n >= 7), none suppressed" \
    test "$n" -ge 7 -a "$(counter lease_log_suppressed)" = 0
assert "text status shows lease_log_lines" \
    sh -c "'$BUILD/dhcpfoctl' -s '$SRV_SOCK' status | grep -q 'lease_log_lines  *[1-9]'"

# ---- expiry: the primary comes back two hours later
client_stop c2
client_stop dc
srv_stop
SRV_ENV=(LD_PRELOAD="$BUILD/tools/clockshift.so" CLOCKSHIFT_SECS=7200)
srv_start srv
LL_LOG=$SRV_LOG
expect_ll expire "addr=$A2 " "hwaddr=$M2 " 'hostname="c2" ' "giaddr=- " \
    "circuit-id=- " "subnet=198.51.100.0/24 " "server=branch1"

# ---- LeaseLog = no, by reload
ini_add "$T/primary.ini" server <<<"LeaseLog = no"
srv_ctl reload >"$T/reload.out" 2>&1 || fail "reload: $(cat "$T/reload.out")"
n0=$(counter lease_log_lines)
lines0=$(grep -c ' info: lease ' "$SRV_LOG")
lan_attach c3 eth0 "$M3"
client_start udhcpc c3 eth0
A3=$(client_wait_addr c3) || exit 1
expect_lease "$A3" bound "$M3"
client_release c3
expect_lease "$A3" "released|free|expired"
assert "LeaseLog = no: no line for c3 ($M3)" \
    test "$(grep -c "hwaddr=$M3" "$SRV_LOG")" = 0
assert "LeaseLog = no: no lease line at all" \
    test "$(grep -c ' info: lease ' "$SRV_LOG")" = "$lines0"
assert "LeaseLog = no: lease_log_lines stays $n0" \
    test "$(counter lease_log_lines)" = "$n0"
srv_stop

# ---- the failover in takeover
fo_up
fo_kill_primary
out=$(load_to "$FO_F_ADDR" -b "$FO_RELAY" -n 1 -o "$T/acks-f.txt" -t 10 -i 2) ||
    fail "a client of the failover: $out"
read -r FA FM <"$T/acks-f.txt"
LL_LOG=$T/failover-$F_STARTS.log
expect_ll grant "addr=$FA " "hwaddr=$FM " "giaddr=$FO_RELAY " \
    "subnet=$FO_NET " "server=failover:hub1/branch1 " "lease=3600"
wait_for 5 "[ \"\$(fo_field lease_log_lines)\" -ge 1 ]" ||
    fail "failover status: lease_log_lines $(fo_field lease_log_lines)"
ok "failover status counts it (lease_log_lines $(fo_field lease_log_lines))"

# LeaseLog = no reaches the primary's thread by reload, no restart.
ini_add "$T/failover.ini" server <<<"LeaseLog = no"
fctl reload >"$T/freload.out" 2>&1 || fail "reload: $(cat "$T/freload.out")"
assert "the reload applied it without asking for a restart" \
    sh -c "! grep -q restart '$T/freload.out'"
out=$(load_to "$FO_F_ADDR" -b "$FO_RELAY" -n 1 -m 0x11 -o "$T/acks-f2.txt" \
    -t 10 -i 2) || fail "a second client of the failover: $out"
read -r FA2 FM2 <"$T/acks-f2.txt"
assert "LeaseLog = no: no line for $FA2 ($FM2)" \
    test "$(grep -c "hwaddr=$FM2" "$LL_LOG")" = 0
fo_caught_up branch1 "$(now_s)"
assert "failover status: lease_log_lines stays 1" \
    test "$(fo_field lease_log_lines)" = 1
pass
