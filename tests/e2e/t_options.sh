#!/bin/bash
# Configured options, classes and boot fields (docs/options.md) through a
# real relay, seen by real clients and decoded by tshark.
#
#   LAN 198.51.100.0/24 (bridge br0 in "sw"): clients c1..c6, relay down0
#       198.51.100.1
#   relay: ISC dhcrelay (option 82 on), up0 192.0.2.1 <-> server eth0
#       192.0.2.10 (no Interfaces, ServerAddress only, as t_relay.sh)
#
# The configuration (written here, on top of srv_write_config's):
#   [server]  ntp-servers 192.0.2.5, 192.0.2.6   (only set here)
#             domain-search global.example.test  (lan1 overrides it)
#             tftp-servers 192.0.2.7             (lan1 overrides it)
#   [option:tftp-servers] code 150, ip-list (code 150 redefined)
#   [subnet:lan1] domain-search example.test, corp.example.test (119,
#             RFC 3397), classless-static-route (121, RFC 3442),
#             Option.150 = 192.0.2.9 (by code), AlwaysSend = tftp-servers
#   [host:pxehost] c2's MAC: 198.51.100.50, ntp-servers 192.0.2.77,
#             tftp-servers 192.0.2.99, BootFile host.efi
#   [class:uefi-pxe] VendorClass PXEClient:Arch:00007*: Range
#             .190-.199, NextServer 192.0.2.9, BootFile ipxe.efi,
#             ServerName boot1, tftp-server-name boot.example.test
#   [class:bios-pxe] VendorClass PXEClient:Arch:00000*: NextServer
#             192.0.2.8, BootFile pxelinux.0, tftp-servers 192.0.2.44
# Precedence host > class > subnet > [server], for options and for the
# boot fields: c2 (reserved, and a BIOS PXE client) gets the host's
# option 150 and BootFile but bios-pxe's NextServer; c4 (BIOS PXE) gets
# the class's 150 over the subnet's.
# No boot field at subnet or [server] level: a plain client gets siaddr
# 0.0.0.0, no file and no sname.
#
# Clients: dhclient with its own config (declares code 150 and 121,
# requests them, 119 and ntp-servers): plain (c1), reserved and BIOS PXE
# (c2), UEFI PXE (c3), BIOS PXE (c4); udhcpc (c5) and dhcpcd (c6) with
# their own request lists.  Checked: each dhclient's lease file (the
# values each level gives), siaddr/file/sname of every ACK (tshark), the
# class Range, AlwaysSend, options sent only when requested, udhcpc's
# unicast renewal answered with the same options, and tshark decodes
# every server reply (captured on the relay's server side) without a
# warning.
. "$(dirname "$0")/lib.sh"
e2e_init
[ "$E2E_SERVER" = dhcpfo ] || skip "dhcpfo-only configuration ([option:], [class:])"
require_cmd dhcrelay dhclient dhcpcd busybox tcpdump tshark

relay_lan 02:00:00:00:03:01

EXPECT_PREFIX=24; EXPECT_ROUTER=198.51.100.1
EXPECT_DNS=198.51.100.1; EXPECT_DOMAIN=example.test
MAC_PLAIN=02:00:00:00:06:01 MAC_HOST=02:00:00:00:06:02
MAC_UEFI=02:00:00:00:06:03 MAC_BIOS=02:00:00:00:06:04
MAC_UDHCPC=02:00:00:00:06:05 MAC_DHCPCD=02:00:00:00:06:06
VC_UEFI=PXEClient:Arch:00007:UNDI:003016
VC_BIOS=PXEClient:Arch:00000:UNDI:002001

srv_conf branch1 192.0.2.10 ""
srv_subnet lan1 198.51.100.0/24 198.51.100.100-198.51.100.199 198.51.100.1
srv_host pxehost "$MAC_HOST" 198.51.100.50
srv_write_config
ini_add "$T/primary.ini" server <<'EOF'
Option.ntp-servers = 192.0.2.5, 192.0.2.6
Option.domain-search = global.example.test
Option.tftp-servers = 192.0.2.7
EOF
ini_add "$T/primary.ini" option:tftp-servers <<'EOF'
Code = 150
Type = ip-list
Space = dhcp4
EOF
ini_add "$T/primary.ini" subnet:lan1 <<'EOF'
Option.domain-search = example.test, corp.example.test
Option.classless-static-route = 203.0.113.0/24 198.51.100.1, 0.0.0.0/0 198.51.100.1
Option.150 = 192.0.2.9
AlwaysSend = tftp-servers
EOF
ini_add "$T/primary.ini" host:pxehost <<'EOF'
Option.ntp-servers = 192.0.2.77
Option.tftp-servers = 192.0.2.99
BootFile = host.efi
EOF
ini_add "$T/primary.ini" class:uefi-pxe <<'EOF'
VendorClass = PXEClient:Arch:00007*
Range = 198.51.100.190-198.51.100.199
NextServer = 192.0.2.9
BootFile = ipxe.efi
ServerName = boot1
Option.tftp-server-name = boot.example.test
EOF
ini_add "$T/primary.ini" class:bios-pxe <<'EOF'
VendorClass = PXEClient:Arch:00000*
NextServer = 192.0.2.8
BootFile = pxelinux.0
Option.tftp-servers = 192.0.2.44
EOF
SRV_NS=srv
srv_check_config >"$T/config-check.log" 2>&1 ||
    { cat "$T/config-check.log"; fail "config rejected by -t"; }
ok "config with [server] options, [option:], [host:] options and two classes passes -t"

# Every packet on the relay's server side: the relayed requests and every
# reply of the server.  -U: each packet is written at once; -Z root: the
# file is in our private temp dir.
PCAP=$T/server-side.pcap
bg_in relay "$T/tcpdump.log" tcpdump -i up0 -n -U --immediate-mode -Z root -w "$PCAP" \
    udp port 67 or udp port 68
TCPDUMP_PID=$BG_PID
wait_for 10 "grep -q 'listening on' '$T/tcpdump.log'" ||
    fail "tcpdump did not start on the relay's up0"

srv_start srv
relay_start 192.0.2.10
ok "dhcrelay running; tcpdump capturing on its server side"

# ---------------------------------------------------------------- clients

# opts_dhclient NS [VENDORCLASS]: dhclient on NS's eth0 with this test's
# config: option 150 declared as tftp150 (an array of addresses) and 121
# as bytes (as Debian's dhclient.conf does), both requested with 119 and
# ntp-servers; option 60 sent if VENDORCLASS is given.
opts_dhclient() {
	local ns=$1 vc=${2:-}
	# Not a pipe: the function must run in this shell (it records pids).
	dhclient_start_conf "$ns" eth0 < <(
		echo "option tftp150 code 150 = array of ip-address;"
		echo "option rfc3442-classless-static-routes code 121 = array of unsigned integer 8;"
		echo "send host-name \"$ns\";"
		[ -n "$vc" ] && echo "send vendor-class-identifier \"$vc\";"
		echo "request subnet-mask, broadcast-address, routers, domain-name,"
		echo "	domain-name-servers, host-name, domain-search,"
		echo "	rfc3442-classless-static-routes, ntp-servers, tftp150,"
		echo "	tftp-server-name;"
		echo "timeout 60;"
		echo "retry 5;"
	)
}

lease_lacks() { ! last_lease "$1" | grep -q -- "$2"; }

check_lease_line() {
	local ns=$1 line=$2 why=$3
	if lease_has "$ns" "$line"; then
		ok "$ns: $line ($why)"
	else
		last_lease "$ns" | sed 's/^/  | /'
		fail "$ns: lease file lacks '$line' ($why)"
	fi
}

start_client() {	# KIND NS MAC [VENDORCLASS]
	lan_attach "$2" eth0 "$3"
	C_MAC[$2]=$3
	case $1 in
	opts)	opts_dhclient "$2" "${4:-}" ;;
	*)	client_start "$1" "$2" eth0 ;;
	esac
}

start_client opts c1 "$MAC_PLAIN"
start_client opts c2 "$MAC_HOST" "$VC_BIOS"
start_client opts c3 "$MAC_UEFI" "$VC_UEFI"
start_client opts c4 "$MAC_BIOS" "$VC_BIOS"
start_client udhcpc c5 "$MAC_UDHCPC"
start_client dhcpcd c6 "$MAC_DHCPCD"

# Non-members of uefi-pxe get none of its Range (.190-.199); c2 gets its
# reservation; c3 only the class's Range.
lease_check_new c1 198.51.100.100 198.51.100.189 lan1
lease_check_new c2 198.51.100.50 198.51.100.50 lan1
lease_check_new c3 198.51.100.190 198.51.100.199 lan1
lease_check_new c4 198.51.100.100 198.51.100.189 lan1
lease_check_new c5 198.51.100.100 198.51.100.189 lan1
lease_check_new c6 198.51.100.100 198.51.100.189 lan1
assert "six distinct addresses" \
    test "$(printf '%s\n' "${C_ADDR[@]}" | sort -u | wc -l)" = 6

say "-- dhclient lease files: the value each level gives"
for ns in c1 c2 c3 c4; do
	wait_for 5 "grep -q '^}' '$T/$ns/dhclient.leases'" ||
	    fail "$ns: dhclient wrote no lease file"
done
ROUTES="option rfc3442-classless-static-routes 24,203,0,113,198,51,100,1,0,198,51,100,1;"
SEARCH='option domain-search "example.test.", "corp.example.test.";'
for ns in c1 c2 c3 c4; do
	check_lease_line "$ns" "$ROUTES" "subnet's option 121, RFC 3442 encoding"
	check_lease_line "$ns" "$SEARCH" "subnet's option 119 over [server]'s"
done
for ns in c1 c3 c4; do
	check_lease_line "$ns" "option ntp-servers 192.0.2.5,192.0.2.6;" \
	    "[server]'s, the only level that sets it"
done
for ns in c1 c3; do
	check_lease_line "$ns" "option tftp150 192.0.2.9;" \
	    "subnet's Option.150 over [server]'s tftp-servers"
done
check_lease_line c4 "option tftp150 192.0.2.44;" "bios-pxe's over the subnet's"
check_lease_line c2 "option ntp-servers 192.0.2.77;" "[host:pxehost]'s over [server]'s"
check_lease_line c2 "option tftp150 192.0.2.99;" "[host:pxehost]'s over bios-pxe's and the subnet's"
check_lease_line c2 'filename "host.efi";' "[host:pxehost]'s BootFile over bios-pxe's"
check_lease_line c3 'filename "ipxe.efi";' "uefi-pxe BootFile"
check_lease_line c3 'server-name "boot1";' "uefi-pxe ServerName"
check_lease_line c3 'option tftp-server-name "boot.example.test";' "uefi-pxe option 66"
check_lease_line c4 'filename "pxelinux.0";' "bios-pxe BootFile"
assert "c1 (no class) got no filename" lease_lacks c1 filename
for ns in c1 c2 c4; do
	assert "$ns (not uefi-pxe) got no server-name" lease_lacks "$ns" server-name
	assert "$ns (not uefi-pxe) got no tftp-server-name" lease_lacks "$ns" tftp-server-name
done

say "-- udhcpc renews by unicast (no relay, no option 82, ciaddr set)"
lease_renew_check c5

# ---------------------------------------------------------------- capture
say "-- the capture on the relay's server side"
# Every client is bound, so the ACKs were sent: wait until tcpdump has
# written one to each of the six (-U: whole packets; reading a file still
# being written is fine), then stop it.
acked_macs() {
	tshark -r "$PCAP" -Y 'dhcp.option.dhcp == 5' -T fields -E occurrence=f \
	    -e dhcp.hw.mac_addr 2>/dev/null | sort -u | wc -l
}
acks_to() {
	tshark -r "$PCAP" -Y "dhcp.option.dhcp == 5 && dhcp.hw.mac_addr == $1" \
	    2>/dev/null | wc -l
}
wait_for 10 '[ "$(acked_macs)" -ge 6 ] && [ "$(acks_to $MAC_UDHCPC)" -ge 2 ]' ||
    say "the capture holds ACKs to $(acked_macs) clients only"
stop_pid "$TCPDUMP_PID" INT
[ -s "$PCAP" ] || fail "no capture"

# Every DHCP packet as "frame|type|xid|chaddr|options|prl|siaddr|file|sname"
# (type: 1 DISCOVER .. 5 ACK; options and prl comma lists).
tshark -r "$PCAP" -Y dhcp -T fields -E separator='|' -E occurrence=a \
    -E aggregator=, -e frame.number -e dhcp.option.dhcp -e dhcp.id \
    -e dhcp.hw.mac_addr -e dhcp.option.type \
    -e dhcp.option.request_list_item -e dhcp.ip.server -e dhcp.file \
    -e dhcp.server >"$T/fields.raw" 2>"$T/tshark-fields.err" ||
    fail "tshark -T fields failed: $(cat "$T/tshark-fields.err")"
# chaddr: the first MAC shown (option 61's hardware address is another).
awk -F'|' -v OFS='|' '{ sub(/,.*/, "", $4); $4 = tolower($4); print }' \
    "$T/fields.raw" >"$T/fields.txt"
nreply=$(awk -F'|' '$2 == 2 || $2 == 5 || $2 == 6' "$T/fields.txt" | wc -l)
nack=$(awk -F'|' '$2 == 5' "$T/fields.txt" | wc -l)
say "captured $(wc -l <"$T/fields.txt") DHCP packets, $nreply server replies ($nack ACKs)"
assert "the capture holds an ACK for each of the six clients" \
    test "$(awk -F'|' '$2 == 5 {print $4}' "$T/fields.txt" | sort -u | wc -l)" = 6

# tshark's full decode of every packet: no malformed packet, no expert
# warning or error anywhere.
tshark -r "$PCAP" -V -Y dhcp >"$T/decode.txt" 2>"$T/tshark-V.err" ||
    fail "tshark -V failed: $(cat "$T/tshark-V.err")"
bad=$(grep -nE 'Malformed|Expert Info \((Warning|Error)|\[Malformed Packet|Error' \
    "$T/decode.txt" | head -n 5)
if [ -n "$bad" ]; then
	printf '%s\n' "$bad" | sed 's/^/  | /'
	fail "tshark reports problems decoding the capture"
fi
ok "tshark decodes all $(grep -c '^Frame ' "$T/decode.txt") DHCP packets: no Malformed, no Expert Warning or Error"
assert "tshark decodes option 119 in the replies" \
    grep -q 'Option: (119) Domain Search' "$T/decode.txt"
for n in example.test corp.example.test; do
	assert "tshark shows $n in the search list" \
	    grep -qE "^[[:space:]]+FQDN: $n\$" "$T/decode.txt"
done
assert "tshark decodes option 121 in the replies" \
    grep -q 'Option: (121) Classless Static Route' "$T/decode.txt"
assert "tshark shows route 203.0.113.0/24 via 198.51.100.1" \
    grep -qE '^[[:space:]]+203\.0\.113\.0/24-198\.51\.100\.1$' "$T/decode.txt"
assert "tshark shows the default route via 198.51.100.1" \
    grep -qE '^[[:space:]]+default-198\.51\.100\.1$' "$T/decode.txt"

# ack_field MAC COLUMN: that column of the last ACK to MAC.
ack_field() {
	awk -F'|' -v m="$1" -v c="$2" '$2 == 5 && $4 == m { v = $c }
	    END { print v }' "$T/fields.txt"
}
for x in "$MAC_UEFI uefi-pxe 192.0.2.9 ipxe.efi boot1" \
    "$MAC_BIOS bios-pxe 192.0.2.8 pxelinux.0 -" \
    "$MAC_HOST host+bios-pxe 192.0.2.8 host.efi -" \
    "$MAC_PLAIN none 0.0.0.0 - -" \
    "$MAC_UDHCPC none 0.0.0.0 - -" "$MAC_DHCPCD none 0.0.0.0 - -"; do
	read -r mac cls si file sname <<<"$x"
	[ "$file" = - ] && file=""
	[ "$sname" = - ] && sname=""
	assert "ACK to $mac (class $cls): siaddr $si" \
	    test "$(ack_field "$mac" 7)" = "$si"
	assert "ACK to $mac (class $cls): file '${file}'" \
	    test "$(ack_field "$mac" 8)" = "$file"
	assert "ACK to $mac (class $cls): sname '${sname}'" \
	    test "$(ack_field "$mac" 9)" = "$sname"
done

# Options sent only when asked for (RFC 2132 9.8): every option of every
# reply is in the request list of a request with the same xid and chaddr,
# or one the server always sends (1, 3, 51, 53, 54, 58, 59), the client
# identifier echoed (61, RFC 6842), the relay's 82 echoed (RFC 3046
# 2.2), or 150 (AlwaysSend in lan1); 0 and 255 are how tshark lists the
# end of the options.
awk -F'|' '
  $2 == 1 || $2 == 3 { key = $3 "/" $4; n = split($6, p, ",")
	for (i = 1; i <= n; i++) asked[key "/" p[i]] = 1; seen[key] = 1 }
  $2 == 2 || $2 == 5 {
	key = $3 "/" $4
	if (!(key in seen)) { print "frame " $1 ": a reply without a request"; next }
	n = split($5, o, ",")
	for (i = 1; i <= n; i++) {
		c = o[i]
		if (c ~ /^(0|1|3|51|53|54|58|59|61|82|150|255)$/) continue
		if (!((key "/" c) in asked))
			print "frame " $1 " (to " $4 "): option " c " not requested"
	}
  }' "$T/fields.txt" >"$T/unasked.txt"
if [ -s "$T/unasked.txt" ]; then
	head -n 10 "$T/unasked.txt" | sed 's/^/  | /'
	fail "replies carry options the client did not request"
fi
ok "every option in every reply was requested (or is always sent)"

# AlwaysSend: a client that did not ask for 150 gets it all the same.
unasked150=$(awk -F'|' '
  $2 == 3 { if (("," $6 ",") !~ /,150,/) no[$3 "/" $4] = 1 }
  $2 == 5 && (($3 "/" $4) in no) && ("," $5 ",") ~ /,150,/ { n++ }
  END { print n + 0 }' "$T/fields.txt")
assert "ACKs with option 150 to clients that did not request it: $unasked150 (AlwaysSend)" \
    test "$unasked150" -ge 1
for a in 192.0.2.9 192.0.2.44 192.0.2.99; do
	assert "tshark decodes option 150 holding $a" \
	    grep -qx "[[:space:]]*TFTP Server Address: ${a//./\\.}" "$T/decode.txt"
done

# The renewal's ACKs against the first one (relayed): the same configured
# options.  The renewal is unicast to the server, so there are two: the
# server's straight answer to the client, and the answer to the copy
# that dhcrelay (listening on the client LAN) relayed as well.  Left out:
# 82 (only a relayed reply echoes it) and 51/58/59 (the lease time left
# may differ).
tshark -r "$PCAP" -Y "dhcp.option.dhcp == 5 && dhcp.hw.mac_addr == $MAC_UDHCPC" \
    -T fields -e ip.dst -e udp.payload 2>/dev/null >"$T/c5-acks.txt"
assert "udhcpc's renewal was answered straight to ${C_ADDR[c5]}" \
    eval "awk -v a=${C_ADDR[c5]} '\$1 == a' '$T/c5-acks.txt' | grep -q ."
dhcp_opts "$(head -n 1 "$T/c5-acks.txt" | cut -f2)" |
    awk '$1 !~ /^(82|51|58|59)$/' >"$T/c5-first.txt"
n=0
while read -r dst hex; do
	n=$((n + 1))
	[ "$n" -eq 1 ] && continue
	dhcp_opts "$hex" | awk '$1 !~ /^(82|51|58|59)$/' >"$T/c5-renew.txt"
	if ! diff "$T/c5-first.txt" "$T/c5-renew.txt" >"$T/c5.diff"; then
		sed 's/^/  | /' "$T/c5.diff"
		fail "udhcpc's renewal ACK (to $dst) carries other options than its first ACK (< first, > renewal)"
	fi
	ok "udhcpc's renewal ACK to $dst has the first ACK's options ($(awk '{printf "%s ", $1}' "$T/c5-renew.txt"))"
done <"$T/c5-acks.txt"
assert "udhcpc: the first ACK and at least one renewal ACK captured" test "$n" -ge 2

pid_gone "$RELAY_PID" && fail "dhcrelay died"
srv_running || fail "the server died"
pass
