#!/bin/bash
# Operators' commands on bindings (docs/operations.md): lease, lease-del,
# export, backup and restore, with a primary and its failover on the
# namespace's loopback (tests/tools/fo_lib.sh) and dhcpload as the relay.
#   1. `lease` finds a binding by address and by hardware address on
#      both daemons, with relay, origin and (failover) primary (a search
#      by client id: tests/unit/test_lease_find.c; these clients send
#      none);
#   2. `lease-del` on the primary frees it durably and the failover's
#      copy follows; the failover refuses it while the primary serves;
#   3. `export` streams every binding (CSV and JSON) while serving; an
#      export imported back restores a freed binding, which reaches the
#      failover (import is replicated);
#   4. `backup` copies the store while serving; a second primary started
#      on the copy exports exactly the same bindings;
#   5. in takeover the failover's `lease-del` works and reaches the
#      primary with the hand-back;
#   6. the primary restored from the (older) backup is, to its failover,
#      a primary with a replaced disk: the failover hands back every
#      binding it holds, so nothing granted after the backup is lost.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/fo_lib.sh"
e2e_init
fo_require
fo_up

out=$(load -b "$FO_RELAY" -n 300 -r 3000 -o "$T/acks1.txt" -t 30 -i 2) ||
    fail "clients: $out"
fo_wait_holds 10 "$T/acks1.txt"
read -r A1 HW1 < <(sort "$T/acks1.txt" | head -n 1)
read -r A2 HW2 < <(sort "$T/acks1.txt" | sed -n 2p)

# ---- 1. lease
j=$(pctl lease "$A1" --json) || fail "lease $A1: $j"
assert "lease ADDRESS: bound to $HW1, relayed by $FO_RELAY, granted by the primary" \
    test "$(jq -r '.leases[0] | "\(.state) \(.hwaddr) \(.giaddr) \(.granted_by)"' <<<"$j")" = \
    "bound $HW1 $FO_RELAY primary"
assert "lease HWADDR finds the same address" \
    test "$(pctl lease "$HW1" --json | jq -r '.leases[0].address')" = "$A1"
assert "the text form names the relay" \
    grep -q "giaddr $FO_RELAY" <(pctl lease "$A1")
assert "the failover finds it, with its primary" \
    test "$(fctl lease "$HW1" --json | jq -r '.leases[0] | "\(.address) \(.primary)"')" = \
    "$A1 branch1"
assert "an unknown client is an error (exit 1)" \
    test "$(pctl lease 02:ff:ff:ff:ff:ff >/dev/null 2>&1; echo $?)" = 1
assert "a malformed query says why" \
    grep -q "not an IPv4 address" <(pctl lease nonsense 2>&1)

# ---- 2. lease-del
assert "the failover refuses lease-del while the primary serves" \
    grep -q "run lease-del on the primary" <(fctl lease-del "$A1" 2>&1)
pctl lease-del "$A1" >/dev/null || fail "lease-del $A1"
assert "the primary holds no binding at $A1 any more" fails pctl lease "$A1"
wait_for 10 "fails fctl lease '$A1'" ||
    fail "the failover still holds $A1: $(fctl lease "$A1")"
ok "the failover's copy followed (replicated)"
assert "the audit line names the address and the caller" \
    grep -q "audit: lease-del $A1 by uid $(id -u) pid" "$T/primary-1.log"

# ---- 3. export while serving
load -b "$FO_RELAY" -n 2000 -m 0x40 -r 2000 -o "$T/busy.txt" -t 30 -i 2 >"$T/busy.log" &
busy=$!
pctl export >"$T/p-export.csv" || fail "export"
pctl export --format json >"$T/p-export.json" || fail "export json"
wait "$busy" || fail "clients during the export: $(cat "$T/busy.log")"
n=$(grep -cv '^#\|^address,' "$T/p-export.csv")
assert "the CSV export ends with its count ($n)" \
    test "$(tail -n 1 "$T/p-export.csv")" = "# end: $n bindings"
assert "the JSON export is complete and counts alike" \
    test "$(jq -r '"\(.complete) \(.count == (.leases | length))"' "$T/p-export.json")" = "true true"
assert "an export holds every binding made before it" \
    test "$n" -ge 299
fo_wait_holds 15 "$T/busy.txt"
fctl export >"$T/f-export.csv" || fail "failover export"
assert "the failover's export names the primary of each binding" \
    test "$(grep -v '^#\|^address,' "$T/f-export.csv" | cut -d, -f15 | sort -u)" = branch1

# ---- import replicates: an address freed, then its row imported back
read -r A3 HW3 < <(sort "$T/acks1.txt" | sed -n 3p)
pctl export >"$T/again.csv" || fail "export"
pctl lease-del "$A3" >/dev/null || fail "lease-del $A3"
wait_for 10 "fails fctl lease '$A3'" || fail "the failover still holds $A3"
j=$("$BUILD/dhcpfoctl" -s "$T/p/ctl.sock" import --format csv "$T/again.csv" --json) ||
    fail "import of the export: $j"
assert "the import took back exactly the freed binding" \
    test "$(jq -r '.daemon | "\(.imported) \(.skipped.unchanged > 0)"' <<<"$j")" = "1 true"
assert "the primary holds $A3 for $HW3 again, granted by import" \
    test "$(pctl lease "$A3" --json | jq -r '.leases[0] | "\(.hwaddr) \(.granted_by)"')" = "$HW3 import"
wait_for 10 "fctl lease '$A3' >/dev/null 2>&1" || fail "the import did not reach the failover"
assert "the failover holds the imported binding (replicated)" \
    test "$(fctl lease "$A3" --json | jq -r '.leases[0].hwaddr')" = "$HW3"

# ---- 4. backup while serving, restored into a second instance
pctl export | grep -v '^#' | sort >"$T/before-backup.csv"
j=$(pctl backup "$T/bk" --json) || fail "backup: $j"
say "backup: $(jq -c . <<<"$j")"
pctl export | grep -v '^#' | sort >"$T/after-backup.csv"
assert "nothing changed while the backup ran" cmp -s "$T/before-backup.csv" "$T/after-backup.csv"
assert "a second backup into the same directory is refused" \
    grep -q "not empty" <(pctl backup "$T/bk" 2>&1)
mkdir -p "$T/r" && cp -a "$T/bk" "$T/r/state"
cat >"$T/restored.ini" <<EOF
[server]
Name = restored
ServerAddress = 127.0.0.3
DhcpPort = 6767
StateDir = $T/r/state
ControlSocket = $T/r/ctl.sock
PidFile = $T/r/pid
$E2E_SERVER_LINES
$(fo_subnet_sections)
EOF
bg_in "$FO_NS" "$T/restored.log" "$P_BIN" -f -c "$T/restored.ini"
R_PID=$BG_PID
wait_for 10 "'$BUILD/dhcpfoctl' -s '$T/r/ctl.sock' status --json | jq -e .state" ||
    fail "restored instance not answering"
"$BUILD/dhcpfoctl" -s "$T/r/ctl.sock" export | grep -v '^#' | sort >"$T/restored.csv"
assert "the restored copy holds exactly the same bindings ($(grep -vc '^address' "$T/restored.csv"))" \
    cmp -s "$T/before-backup.csv" "$T/restored.csv"
kill "$R_PID"
wait_for 5 "pid_gone $R_PID" || fail "restored instance did not stop"

# Granted after the backup: the restored primary will lack these.
out=$(load -b "$FO_RELAY" -n 200 -m 0x50 -r 2000 -o "$T/acks2.txt" -t 30 -i 2) ||
    fail "clients after the backup: $out"
fo_wait_holds 10 "$T/acks2.txt"

# ---- 5. lease-del on the failover in takeover
kill -KILL "$P_PID"
wait_for 5 "pid_gone $P_PID" || fail "primary survived SIGKILL"
fo_wait_state takeover 5
fctl lease-del "$A2" >/dev/null || fail "failover lease-del $A2 in takeover: $(fctl lease-del "$A2" 2>&1)"
assert "the failover freed $A2" fails fctl lease "$A2"
p_start
fo_wait_state monitoring 15
p_wait_serving 15
assert "the hand-back freed $A2 on the primary too" fails pctl lease "$A2"

# ---- 6. restore the primary from the backup
kill "$P_PID"
wait_for 10 "pid_gone $P_PID" || fail "primary did not stop"
fo_wait_state takeover 5
rm -rf "$T/p/state" && cp -a "$T/bk" "$T/p/state"
p_start
fo_wait_state monitoring 20
p_wait_serving 20
assert "the failover saw a store it did not know (replaced disk)" \
    grep -q "not the one our copy came from" "$T/failover-1.log"
bound_of "$T/p/ctl.sock" >"$T/p-bound.txt"
assert "the restored primary holds every binding granted after the backup" \
    check_all_held "$T/acks2.txt" "$T/p-bound.txt"
assert "the address freed before the backup stays free" \
    test "$(grep -c "^$A1 " "$T/p-bound.txt")" = 0
assert "the address freed in takeover stays free (the failover's newer record)" \
    test "$(grep -c "^$A2 " "$T/p-bound.txt")" = 0
assert "no address bound to two clients" check_unique "$T/p-bound.txt"
pass
