#!/bin/bash
# Migration (docs/migrate.md): clients bound by ISC dhcpd, then by Kea,
# keep their addresses when dhcpfo takes over with the old server's lease
# file.  LAN 198.51.100.0/24 -- ISC dhcrelay (198.51.100.1 / 192.0.2.1)
# -- server namespace 192.0.2.10, where dhcpd, Kea and dhcpfo take turns.
#   1. dhcpd (30 s leases) binds two dhclients; stopped.  dhcpfoctl
#      import --print shows their bindings; dhcpfo starts on the same
#      address; a dry run stores nothing; the import stores both, with
#      the right hardware address, before either client renews; each
#      renewal (at T1, unicast) is then ACKed by dhcpfo, same address.
#   2. The same with Kea's memfile CSV (two new clients).
#   3. A hostile dhcpd file (bad date, garbage bytes, a cut block, an
#      expired and a free lease, addresses outside every subnet, outside
#      the ranges, reserved for another client, bound to another client):
#      every bad row named by its line, exactly the one good row stored.
#   4. An export imported (--format csv) into a second, empty primary
#      gives the same bindings.
. "$(dirname "$0")/lib.sh"
e2e_init
require_cmd dhcrelay dhclient
[ -x /usr/sbin/dhcpd ] || skip "isc-dhcp-server (dhcpd) not installed"
[ -x /usr/sbin/kea-dhcp4 ] || skip "kea-dhcp4 not installed"

relay_lan 02:00:00:00:0a:f0
for i in 1 2 3 4; do
	lan_attach "c$i" eth0 "02:00:00:00:0a:0$i"
	C_MAC[c$i]=02:00:00:00:0a:0$i
done

relay_start 192.0.2.10

# dhcpfo: the dhcpd and Kea ranges both inside its own; longer leases,
# so that bindings it renewed outlive the test.
srv_conf branch1 192.0.2.10 ""
srv_subnet lan1 198.51.100.0/24 198.51.100.100-198.51.100.199 \
    198.51.100.1 300 300
srv_host other 02:00:00:00:0a:99 198.51.100.140
srv_write_config
SRV_NS=srv

ctl() { "$BUILD/dhcpfoctl" -s "$SRV_SOCK" "$@"; }
# lease_json ADDR: dhcpfo's binding of ADDR ({} if none).
lease_json() {
	{ ctl lease "$1" --json 2>/dev/null || echo '{}'; } | jq -c '.leases[0] // {}'
}
renewed() { client_events "$1" | awk '$2 == "RENEW"' | wc -l; }

# ---------------------------------------------------------------- helpers

# bind_clients NS...: start dhclient in each, wait for the addresses.
bind_clients() {
	local ns
	for ns in "$@"; do client_start dhclient "$ns" eth0; done
	for ns in "$@"; do
		C_ADDR[$ns]=$(client_wait_addr "$ns" 20) || exit 1
		say "$ns (${C_MAC[$ns]}) bound to ${C_ADDR[$ns]}"
	done
}

# printed_has FILE NS: the --print CSV has NS's address, MAC, bound.
printed_has() {
	awk -F, -v a="${C_ADDR[$2]}" -v m="${C_MAC[$2]}" \
	    '$1 == a && $3 == m && $5 == "bound" { f = 1 } END { exit !f }' "$1"
}

# import_checked FORMAT FILE NS...: dry run (nothing stored), import
# (each binding stored for its MAC), all before any client renewed.
import_checked() {
	local fmt=$1 file=$2 ns j n=$(( $# - 2 ))
	shift 2
	j=$(ctl import --format "$fmt" "$file" --dry-run --json) ||
	    fail "dry run: $j"
	assert "dry run: $n rows would be imported, nothing else" \
	    test "$(jq -c '[.file.records, .daemon.dry_run, .daemon.imported]' <<<"$j")" = "[$n,true,$n]"
	for ns in "$@"; do
		assert "dry run stored nothing for ${C_ADDR[$ns]}" \
		    test "$(lease_json "${C_ADDR[$ns]}")" = "{}"
	done
	j=$(ctl import --format "$fmt" "$file" --json) || fail "import: $j"
	say "import: $(jq -c '.daemon | {rows, imported}' <<<"$j")"
	assert "import: $n rows imported" \
	    test "$(jq -c '[.daemon.dry_run, .daemon.imported]' <<<"$j")" = "[false,$n]"
	for ns in "$@"; do
		j=$(lease_json "${C_ADDR[$ns]}")
		assert "${C_ADDR[$ns]} bound to ${C_MAC[$ns]}, granted by import" \
		    test "$(jq -r '"\(.state) \(.hwaddr) \(.granted_by)"' <<<"$j")" = \
		    "bound ${C_MAC[$ns]} import"
		assert "$ns has not renewed yet" test "$(renewed "$ns")" = 0
		ENDS0[$ns]=$(jq -r .ends <<<"$j")
	done
}

# renewals_acked NS...: each client's renewal at T1 reaches dhcpfo, which
# ACKs it: the binding's ends moves, the client keeps its address.
renewals_acked() {
	local ns a
	for ns in "$@"; do
		a=${C_ADDR[$ns]}
		wait_for 25 "[ \$(lease_json $a | jq -r '.ends // 0') -gt ${ENDS0[$ns]} ]" ||
		    fail "$ns's renewal of $a not ACKed by dhcpfo"
		wait_for 5 "[ \$(renewed $ns) -gt 0 ]" ||
		    fail "$ns did not report a renewal"
		assert "$ns renewed with dhcpfo and kept $a" \
		    test "$(client_events "$ns" | awk '$2 == "RENEW" { print $3 }' | tail -n 1) $(iface_addr "$ns" eth0)" = "$a $a"
	done
}
declare -A ENDS0=()

# ------------------------------------------------------------ 1. dhcpd
cat >"$T/dhcpd.conf" <<EOF
authoritative;
ddns-update-style none;
ping-check false;
default-lease-time 30;
max-lease-time 30;
min-lease-time 30;
subnet 192.0.2.0 netmask 255.255.255.0 { }
subnet 198.51.100.0 netmask 255.255.255.0 {
	range 198.51.100.100 198.51.100.139;
	option routers 198.51.100.1;
	option domain-name-servers 198.51.100.1;
}
EOF
: >"$T/dhcpd.leases"
bg_in srv "$T/dhcpd.log" /usr/sbin/dhcpd -4 -f -d -cf "$T/dhcpd.conf" \
    -lf "$T/dhcpd.leases" -pf "$T/dhcpd.pid" eth0
DHCPD_PID=$BG_PID
wait_for 10 "udp_bound srv 67" || fail "dhcpd did not bind port 67"
bind_clients c1 c2
stop_pid "$DHCPD_PID"
ok "dhcpd stopped; its lease file has $(grep -c '^lease ' "$T/dhcpd.leases") blocks"

ctl import --format dhcpd "$T/dhcpd.leases" --print >"$T/dhcpd.csv" ||
    fail "import --print of dhcpd.leases"
for ns in c1 c2; do
	assert "--print: ${C_ADDR[$ns]} bound to ${C_MAC[$ns]}" printed_has "$T/dhcpd.csv" "$ns"
done
assert "--print: hostnames kept (c1)" \
    grep -q "^${C_ADDR[c1]},.*,c1,," "$T/dhcpd.csv"

srv_start srv
import_checked dhcpd "$T/dhcpd.leases" c1 c2
assert "the relay's circuit-id (down0) dhcpd kept came along" \
    test "$(lease_json "${C_ADDR[c1]}" | jq -r .circuit_id)" = 64:6f:77:6e:30
renewals_acked c1 c2

# ------------------------------------------------------------ 2. Kea
client_stop c1
client_stop c2
srv_stop
jq -n --arg lf "$T/kea-leases4.csv" '{Dhcp4: {
  "interfaces-config": {interfaces: ["eth0/192.0.2.10"],
                        "dhcp-socket-type": "udp"},
  "lease-database": {type: "memfile", persist: true, name: $lf,
                     "lfc-interval": 0},
  "valid-lifetime": 30, "min-valid-lifetime": 30, "max-valid-lifetime": 30,
  "subnet4": [{id: 1, subnet: "198.51.100.0/24",
               pools: [{pool: "198.51.100.150 - 198.51.100.199"}],
               "option-data": [{name: "routers", data: "198.51.100.1"}]}],
  loggers: [{name: "kea-dhcp4", severity: "INFO",
             output_options: [{output: "stderr"}]}]}}' >"$T/kea.json"
bg_in srv "$T/kea.log" env KEA_LOCKFILE_DIR="$T" KEA_PIDFILE_DIR="$T" \
    /usr/sbin/kea-dhcp4 -c "$T/kea.json"
KEA_PID=$BG_PID
wait_for 10 "grep -q DHCP4_STARTED '$T/kea.log'" || fail "Kea did not start"
bind_clients c3 c4
stop_pid "$KEA_PID"
ok "Kea stopped; its CSV has $(($(wc -l <"$T/kea-leases4.csv") - 1)) rows"
ctl import --format kea-csv "$T/kea-leases4.csv" --print >"$T/kea.csv" ||
    fail "import --print of kea-leases4.csv"
for ns in c3 c4; do
	assert "--print: ${C_ADDR[$ns]} bound to ${C_MAC[$ns]}" printed_has "$T/kea.csv" "$ns"
done

srv_start srv
import_checked kea-csv "$T/kea-leases4.csv" c3 c4
renewals_acked c3 c4

# ------------------------------------------------------------ 3. hostile
now=$(date +%s)
wday() { date -u -d "@$1" '+%w %Y/%m/%d %H:%M:%S'; }
{
	echo "# hostile: every bad row is refused by its line; line 3 alone goes in"
	echo "authoring-byte-order little-endian;"
	echo "lease 198.51.100.120 { starts $(wday "$now"); ends $(wday $((now + 3600)));"
	echo "  binding state active; hardware ethernet 02:00:00:00:0a:21; }"
	echo "lease 198.51.100.121 { starts 1 2026/13/45 99:00:00; ends epoch $((now + 3600));"
	echo "  binding state active; hardware ethernet 02:00:00:00:0a:22; }"
	printf 'lease 198.51.100.122 { binding state active; \001\376\377garbage }\n'
	echo "lease 198.51.100.123 { starts epoch $((now - 7200)); ends epoch $((now - 3600));"
	echo "  binding state active; hardware ethernet 02:00:00:00:0a:23; }"
	echo "lease 198.51.100.124 { starts epoch $now; ends epoch $((now + 3600));"
	echo "  binding state free; hardware ethernet 02:00:00:00:0a:24; }"
	echo "lease 203.0.113.5 { starts epoch $now; ends epoch $((now + 3600));"
	echo "  binding state active; hardware ethernet 02:00:00:00:0a:25; }"
	echo "lease 198.51.100.250 { starts epoch $now; ends epoch $((now + 3600));"
	echo "  binding state active; hardware ethernet 02:00:00:00:0a:26; }"
	echo "lease 198.51.100.140 { starts epoch $now; ends epoch $((now + 3600));"
	echo "  binding state active; hardware ethernet 02:00:00:00:0a:27; }"
	echo "lease ${C_ADDR[c3]} { starts epoch $now; ends epoch $((now + 3600));"
	echo "  binding state active; hardware ethernet 02:00:00:00:0a:28; }"
	echo "lease 198.51.100.125 { starts epoch $now; ends epoch $((now + 3600));"
	echo "  binding state active; hardware ethernet 02:00:00:00:0a:29;"
} >"$T/hostile.leases"
j=$(ctl import --format dhcpd "$T/hostile.leases" --json)
rc=$?
say "hostile import (exit $rc): $(jq -c '.file | {records, unparsed, skipped, errors}' <<<"$j")"
say "  daemon: $(jq -c '.daemon | {imported, skipped_rows}' <<<"$j")"
assert "exit status 1: some rows were not imported" test "$rc" = 1
assert "file: bad date (5), garbage (7) and the cut block (20) refused by line" \
    test "$(jq -c '[.file.errors[].line]' <<<"$j")" = "[5,7,20]"
assert "file: the expired and the free lease skipped as not active" \
    test "$(jq -c '.file.skipped["not-active"]' <<<"$j")" = 2
assert "daemon: 5 rows, 1 imported" \
    test "$(jq -c '[.daemon.rows, .daemon.imported]' <<<"$j")" = "[5,1]"
assert "daemon: outside every subnet (12), outside the range (14), reserved (16), bound to another (18)" \
    test "$(jq -c '[.daemon.skipped_rows[] | "\(.line) \(.reason)"]' <<<"$j")" = \
    '["12 no-subnet","14 outside-range","16 reserved-for-other","18 bound-to-other"]'
assert "the good row is bound to its client" \
    test "$(lease_json 198.51.100.120 | jq -r '"\(.state) \(.hwaddr)"')" = "bound 02:00:00:00:0a:21"
assert "${C_ADDR[c3]} still bound to c3" \
    test "$(lease_json "${C_ADDR[c3]}" | jq -r .hwaddr)" = "${C_MAC[c3]}"
for a in 198.51.100.121 198.51.100.122 198.51.100.123 198.51.100.124 \
    198.51.100.125 198.51.100.250 198.51.100.140; do
	[ "$(lease_json "$a" | jq -r '.state // "none"')" = bound ] &&
	    fail "$a was imported"
done
ok "no other hostile row is bound"

# ------------------------------------------------------------ 4. export
ctl export >"$T/p1.csv" || fail "export of the first primary"
ns_add srv2			# no clients: the server address on lo
addr srv2 lo 192.0.2.10/32
mkdir -p "$T/p2"
sed -e "s|^StateDir = .*|StateDir = $T/p2|" \
    -e "s|^ControlSocket = .*|ControlSocket = $T/p2/ctl.sock|" \
    -e "s|^PidFile = .*|PidFile = $T/p2/primary.pid|" \
    "$T/primary.ini" >"$T/p2/primary.ini"
bg_in srv2 "$T/primary2.log" "$BUILD/dhcpfo-primary" -f \
    -c "$T/p2/primary.ini"
wait_for 10 "'$BUILD/dhcpfoctl' -s '$T/p2/ctl.sock' status --json | jq -e .state" ||
    fail "second primary did not start"
j=$("$BUILD/dhcpfoctl" -s "$T/p2/ctl.sock" import --format csv "$T/p1.csv" --json) ||
    fail "import of the export: $j"
say "export into the second primary: $(jq -c '{file: .file.records, imported: .daemon.imported}' <<<"$j")"
"$BUILD/dhcpfoctl" -s "$T/p2/ctl.sock" export >"$T/p2.csv" ||
    fail "export of the second primary"
# The same bindings: all but who granted them (import, on the second).
bindings() { grep -v '^#\|^address,' "$1" | awk -F, '$5 == "bound"' | cut -d, -f1-12,14 | sort; }
assert "the first primary holds 5 bindings" test "$(bindings "$T/p1.csv" | wc -l)" = 5
if diff -u <(bindings "$T/p1.csv") <(bindings "$T/p2.csv"); then
	ok "the second primary exports the same bindings"
else
	fail "the exports differ"
fi
pass
