#!/bin/bash
# Options, classes and boot fields across a takeover: the failover must
# answer a client exactly as its primary did (docs/options.md; the
# subnet digest covers options, classes and hosts).
#
#   client LAN 198.51.100.0/24 (bridge br0 in "sw"): the client c1,
#       relay down0 198.51.100.1
#   server LAN 192.0.2.0/24 (bridge br1 in "ssw"): relay up0 192.0.2.1,
#       primary P p0 192.0.2.10, failover F f0 192.0.2.20; ISC dhcrelay
#       forwards to both; tcpdump on the relay's up0 sees every reply of
#       either server.
#
# The same option configuration in primary.ini and failover.ini, each in
# its own file's way: [server] Option.ntp-servers on the primary is
# [primary:branch1] Option.ntp-servers on the failover; [option:
# tftp-servers] code 150; subnet options 119, 121, 150 (by code); a
# reservation with its own option; classes uefi-pxe (Range, NextServer,
# BootFile, ServerName, option 66; Primary = branch1 on the failover)
# and bios-pxe (no Primary: every primary).
#
#   1. the failover reports digest "match" for the subnet; a UEFI PXE
#      client (fixed MAC, option 60, requesting the options) is ACKed by
#      the primary;
#   2. kill -9 of the primary; the failover takes over; the client,
#      restarted, does INIT-REBOOT and is ACKed by the failover: both
#      ACKs carry the same options byte for byte (but 54, and 51/58/59
#      only if the lease times differ) and the same siaddr, sname, file;
#   3. the primary returns (hand-back); failover.ini's uefi-pxe BootFile
#      changed and reloaded: the failover reports "mismatch" for the
#      subnet; the old file reloaded: "match" again.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/fo_lib.sh"
e2e_init
[ -x "$BUILD/dhcpfo-failover" ] || skip "$BUILD/dhcpfo-failover not built (run make)"
require_cmd dhcrelay dhclient tcpdump tshark openssl bc

FO_NS_P=P FO_NS_F=F FO_NS_R=relay
FO_P_ADDR=192.0.2.10 FO_F_ADDR=192.0.2.20
FO_RELAY=198.51.100.1
FO_NET=198.51.100.0/24 FO_RANGE=198.51.100.100-198.51.100.199
MAC=02:00:00:00:07:01
VC_UEFI=PXEClient:Arch:00007:UNDI:003016

# ---------------------------------------------------------------- network

# slan_attach NS IF MAC: NS gets IF on the server LAN (bridge br1 in ssw).
slan_attach() {
	local port="s${#E2E_NS[@]}x$RANDOM"
	port=${port:0:15}
	ns_exists "$1" || ns_add "$1"
	veth "$1" "$2" ssw "$port" "$3"
	ip -n "$(nsname ssw)" link set "$port" master br1 || fail "bridge port $port"
}

lan_new
ns_add ssw
bridge ssw br1
ns_add relay
lan_attach relay down0 02:00:00:00:03:01
addr relay down0 198.51.100.1/24
slan_attach relay up0 02:00:00:00:03:02
addr relay up0 192.0.2.1/24
nsx relay sysctl -qw net.ipv4.ip_forward=1 || fail "ip_forward"
slan_attach P p0 02:00:00:00:0a:10
slan_attach F f0 02:00:00:00:0a:20
addr P p0 192.0.2.10/24
addr F f0 192.0.2.20/24
route P 198.51.100.0/24 via 192.0.2.1
route F 198.51.100.0/24 via 192.0.2.1

# ---------------------------------------------------------------- configs

fo_dirs
fo_write_configs

# The option sections both files share; $1 "failover" adds each one's
# Primary (a class may leave it out: every primary).
subnet_opts() {
	echo "Option.domain-search = example.test, corp.example.test"
	echo "Option.classless-static-route = 203.0.113.0/24 198.51.100.1, 0.0.0.0/0 198.51.100.1"
	echo "Option.150 = 192.0.2.9"
}
optdef() {
	echo "Code = 150"
	echo "Type = ip-list"
}
host_opts() {
	[ "${1:-}" = failover ] && echo "Primary = branch1"
	echo "HardwareAddress = 02:00:00:00:07:99"
	echo "Address = 198.51.100.60"
	echo "Option.ntp-servers = 192.0.2.77"
}
uefi_class() {
	[ "${1:-}" = failover ] && echo "Primary = branch1"
	echo "VendorClass = PXEClient:Arch:00007*"
	echo "Range = 198.51.100.190-198.51.100.199"
	echo "NextServer = 192.0.2.9"
	echo "BootFile = ipxe.efi"
	echo "ServerName = boot1"
	echo "Option.tftp-server-name = boot.example.test"
}
bios_class() {
	echo "VendorClass = PXEClient:Arch:00000*"
	echo "NextServer = 192.0.2.8"
	echo "BootFile = pxelinux.0"
}
P_INI=$T/primary.ini F_INI=$T/failover.ini
echo "Option.ntp-servers = 192.0.2.5, 192.0.2.6" | ini_add "$P_INI" server
echo "Option.ntp-servers = 192.0.2.5, 192.0.2.6" | ini_add "$F_INI" primary:branch1
for f in P F; do
	ini=$T/primary.ini who=""
	[ $f = F ] && ini=$T/failover.ini who=failover
	optdef | ini_add "$ini" option:tftp-servers
	subnet_opts | ini_add "$ini" subnet:load
	host_opts $who | ini_add "$ini" host:pxe-spare
	uefi_class $who | ini_add "$ini" class:uefi-pxe
	bios_class | ini_add "$ini" class:bios-pxe
done
nsx P "$P_BIN" -t -c "$P_INI" >"$T/check-p.log" 2>&1 ||
    { cat "$T/check-p.log"; fail "primary.ini with options rejected by -t"; }
nsx F "$BUILD/dhcpfo-failover" -t -c "$F_INI" >"$T/check-f.log" 2>&1 ||
    { cat "$T/check-f.log"; fail "failover.ini with options rejected by -t"; }
cp "$F_INI" "$T/failover-same.ini"
ok "both configs with the same options and classes pass -t"

# ---------------------------------------------------------------- start

p_start
f_start
fo_wait_state monitoring 10
p_wait_serving 10
ok "start-up: failover monitoring, primary serving"

# subnet_digest: the failover's verdict on subnet "load".
subnet_digest() {
	fctl status branch1 --json 2>/dev/null |
	    jq -r '.subnets[] | select(.name == "load") | .digest'
}
# expect_digest WANT: wait until the primary's digest arrived, then it
# must be WANT.
expect_digest() {
	wait_for 10 "[ \"\$(subnet_digest)\" = match ] || [ \"\$(subnet_digest)\" = mismatch ]" ||
	    fail "the failover never got the primary's digest (digest: $(subnet_digest))"
	assert "the failover reports digest '$1' for subnet load" \
	    test "$(subnet_digest)" = "$1"
}
expect_digest match

PCAP=$T/server-lan.pcap
bg_in relay "$T/tcpdump.log" tcpdump -i up0 -n -U --immediate-mode -Z root -w "$PCAP" \
    udp port 67 or udp port 68
TCPDUMP_PID=$BG_PID
wait_for 10 "grep -q 'listening on' '$T/tcpdump.log'" ||
    fail "tcpdump did not start on the relay's up0"
relay_start "$FO_P_ADDR" "$FO_F_ADDR"
ok "dhcrelay forwards to $FO_P_ADDR and $FO_F_ADDR; tcpdump on its up0"

# ---------------------------------------------------------------- client

# The UEFI PXE client: options 150 and 121 declared, everything requested.
# Not a pipe: dhclient_start_conf must run in this shell (it records pids).
start_c1() {
	dhclient_start_conf c1 eth0 < <(
		echo "option tftp150 code 150 = array of ip-address;"
		echo "option rfc3442-classless-static-routes code 121 = array of unsigned integer 8;"
		echo "send host-name \"c1\";"
		echo "send vendor-class-identifier \"$VC_UEFI\";"
		echo "request subnet-mask, broadcast-address, routers, domain-name,"
		echo "	domain-name-servers, host-name, domain-search,"
		echo "	rfc3442-classless-static-routes, ntp-servers, tftp150,"
		echo "	tftp-server-name;"
		echo "timeout 60;"
		echo "retry 5;"
	)
}
lease_on() {	# SOCK ADDR MAC: ADDR is bound to MAC there
	"$BUILD/dhcpfoctl" -s "$1" leases --json 2>/dev/null | jq -e --arg a "$2" --arg m "$3" '
	  [.leases[] | select(.address == $a and .state == "bound"
	     and ((.hwaddr // "") | ascii_downcase) == ($m | ascii_downcase))]
	  | length == 1' >/dev/null
}

say "-- 1: the primary ACKs the UEFI PXE client"
lan_attach c1 eth0 "$MAC"
C_MAC[c1]=$MAC
start_c1
A=$(client_wait_addr c1 40) || exit 1
assert "c1 got $A from uefi-pxe's Range (.190-.199)" \
    in_range "$A" 198.51.100.190 198.51.100.199
wait_for 5 "lease_on '$T/p/ctl.sock' '$A' '$MAC'" || fail "the primary does not hold $A for $MAC"
wait_for 10 "lease_on '$T/f/ctl.sock' '$A' '$MAC'" || fail "the failover's copy lacks $A for $MAC"
ok "$A bound to $MAC on the primary and in the failover's copy"

say "-- 2: kill -9 of the primary; the failover answers the same client"
kill -KILL "$P_PID"
wait_for 5 "pid_gone $P_PID" || fail "primary survived SIGKILL"
wait "$P_PID" 2>/dev/null
fo_wait_state takeover 5
ok "failover in takeover ($(fo_field last_takeover_reason))"
e0=$(event_count c1 'BOUND|REBOOT|RENEW|REBIND')
stop_pid "${C_PID[c1]}" TERM
start_c1
wait_for 30 "[ \$(event_count c1 'BOUND|REBOOT|RENEW|REBIND') -gt $e0 ]" ||
    fail "the restarted dhclient reported no lease"
assert "c1 kept $A" test "$(iface_addr c1 eth0)" = "$A"
wait_for 5 "[ \$(fctl status branch1 --json | jq -r .acks) -ge 1 ]" ||
    fail "the failover counted no ACK"
ok "the failover ACKed c1 ($(client_events c1 | tail -n 1 | awk '{print $2}'))"
# Wait until tcpdump has written that ACK (-U: whole packets; reading a
# file still being written is fine), then stop it.
wait_for 10 "tshark -r '$PCAP' -Y 'dhcp.option.dhcp == 5 && ip.src == $FO_F_ADDR' 2>/dev/null | grep -q ." ||
    say "the capture holds no ACK of the failover yet"
stop_pid "$TCPDUMP_PID" INT

# The last ACK each server sent to MAC: "siaddr|sname|file|options" in
# hex (udp.payload: BOOTP's fixed fields, then the magic cookie at 236).
tshark -r "$PCAP" -Y "dhcp.option.dhcp == 5 && dhcp.hw.mac_addr == $MAC" \
    -T fields -E separator='|' -e ip.src -e udp.payload \
    >"$T/acks.txt" 2>"$T/tshark.err" || fail "tshark: $(cat "$T/tshark.err")"
ack_of() { awk -F'|' -v s="$1" '$1 == s { p = $2 } END { print p }' "$T/acks.txt"; }
ACK_P=$(ack_of "$FO_P_ADDR") ACK_F=$(ack_of "$FO_F_ADDR")
[ -n "$ACK_P" ] || fail "no ACK from the primary to $MAC in the capture"
[ -n "$ACK_F" ] || fail "no ACK from the failover to $MAC in the capture"

dhcp_opts "$ACK_P" >"$T/opts-p.txt"
dhcp_opts "$ACK_F" >"$T/opts-f.txt"
say "primary's ACK options:  $(awk '{printf "%s ", $1}' "$T/opts-p.txt")"
say "failover's ACK options: $(awk '{printf "%s ", $1}' "$T/opts-f.txt")"
opt_val() { awk -v c="$2" '$1 == c { print $2 }' "$1"; }
assert "the primary's ACK has options 119, 121, 150, 42 and 66" \
    test "$(awk '$1 ~ /^(119|121|150|42|66)$/' "$T/opts-p.txt" | wc -l)" = 5
assert "server identifiers: the primary's (c000020a), the failover's (c0000214)" \
    test "$(opt_val "$T/opts-p.txt" 54)/$(opt_val "$T/opts-f.txt" 54)" = c000020a/c0000214
# Option 54 names the server that answers (RFC 2131 4.3.1): it must
# differ.  51 (and 58/59 computed from it) is the lease time each server
# gave at the moment it answered; the failover in takeover may grant a
# different one, so they are compared only when 51 is the same.
skip_re='^54$'
l_p=$(opt_val "$T/opts-p.txt" 51) l_f=$(opt_val "$T/opts-f.txt" 51)
if [ "$l_p" = "$l_f" ]; then
	say "same lease time (0x$l_p): 51, 58 and 59 compared too"
else
	say "lease times differ (primary 0x$l_p, failover 0x$l_f): 51, 58, 59 not compared"
	skip_re='^(54|51|58|59)$'
fi
if ! diff <(awk -v r="$skip_re" '$1 !~ r' "$T/opts-p.txt") \
    <(awk -v r="$skip_re" '$1 !~ r' "$T/opts-f.txt") >"$T/opts.diff"; then
	sed 's/^/  | /' "$T/opts.diff"
	fail "the failover's ACK options differ from the primary's (< primary, > failover)"
fi
n=$(awk -v r="$skip_re" '$1 !~ r' "$T/opts-p.txt" | wc -l)
ok "the options of both ACKs are byte-identical, in the same order ($n options)"
# Fixed fields (hex digits, 1-based): siaddr bytes 20-23, sname 44-107,
# file 108-235.
for x in "siaddr 41 8" "sname 89 128" "file 217 256"; do
	read -r what from len <<<"$x"
	assert "same $what in both ACKs (${ACK_P:$((from - 1)):16}...)" \
	    test "${ACK_P:$((from - 1)):$len}" = "${ACK_F:$((from - 1)):$len}"
done
assert "siaddr is uefi-pxe's NextServer 192.0.2.9 (c0000209)" \
    test "${ACK_P:40:8}" = c0000209
fs=$(tshark -r "$PCAP" -Y "dhcp.option.dhcp == 5 && ip.src == $FO_F_ADDR" \
    -T fields -E separator=, -e dhcp.file -e dhcp.server 2>/dev/null | tail -n 1)
assert "file,sname are uefi-pxe's ipxe.efi,boot1 ($fs)" test "$fs" = ipxe.efi,boot1

say "-- 3: the primary returns; a failover.ini that differs in one BootFile"
p_start
fo_wait_state monitoring 20
p_wait_serving 20
ok "hand-back: failover monitoring, primary serving"
expect_digest match
sed -i '/^\[class:uefi-pxe\]/,/^\[/ s/^BootFile = ipxe\.efi$/BootFile = ipxe-other.efi/' "$F_INI"
assert "failover.ini's uefi-pxe BootFile is now ipxe-other.efi" \
    grep -qx 'BootFile = ipxe-other.efi' "$F_INI"
nsx F "$BUILD/dhcpfo-failover" -t -c "$F_INI" >"$T/check-f2.log" 2>&1 ||
    { cat "$T/check-f2.log"; fail "changed failover.ini rejected by -t"; }
# flog_count TEXT: lines of the failover's log holding TEXT.
flog_count() { grep -cF -- "$1" "$T/failover-$F_STARTS.log"; }
RESTARTED='primary=branch1: subnets, hosts, options or classes changed; restarting it'
MISMATCH='subnet load (198.51.100.0/24) is defined differently on the primary (digest mismatch)'
# reload_f: branch1's view changed (a class), so the reload restarts its
# thread, which computes new digests (failover/fod.c restart_reason);
# its verdict is unknown until the primary's next digests.  Status must
# then be read from the new thread: monitoring entered after the reload
# (the old thread was monitoring too).
reload_f() {
	local n t
	n=$(flog_count "$RESTARTED")
	t=$(now_s)
	fctl reload >"$T/reload.txt" 2>&1 ||
	    { cat "$T/reload.txt"; fail "reload refused"; }
	wait_for 5 "[ \$(flog_count '$RESTARTED') -gt $n ]" ||
	    fail "branch1 was not restarted by the reload"
	wait_for 15 "fctl status --json | jq -e --argjson t $t '.primaries[0]
	    | .state == \"monitoring\" and (now - .state_secs) > \$t'" ||
	    fail "branch1 not monitoring again after the reload (state: $(fo_state))"
}
mismatches() { fctl status branch1 --json | jq -r .digest_mismatches; }

n_mis=$(flog_count "$MISMATCH")
reload_f
ok "reload restarted branch1's thread; monitoring again"
expect_digest mismatch
wait_for 5 "[ \$(flog_count '$MISMATCH') -gt $n_mis ]" ||
    fail "the failover logged no digest mismatch for subnet load"
ok "the failover logs: $MISMATCH"
wait_for 5 "[ \$(mismatches) -ge 1 ]" ||
    fail "status digest_mismatches is $(mismatches)"
ok "status counts the mismatch (digest_mismatches $(mismatches))"

n_mis=$(flog_count 'digest mismatch')
cp "$T/failover-same.ini" "$F_INI"
reload_f
expect_digest match
assert "no digest mismatch logged since the same file came back" \
    test "$(flog_count 'digest mismatch')" = "$n_mis"
assert "status counts no mismatch (digest_mismatches $(mismatches))" \
    test "$(mismatches)" = 0
pid_gone "$RELAY_PID" && fail "dhcrelay died"
pass
