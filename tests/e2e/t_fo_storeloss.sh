#!/bin/bash
# The failover doubles as the primary's backup (docs/design.md §2): when the
# primary comes back with a lease store the failover's copy did not come
# from (a replaced disk), the hand-back carries every binding the failover
# holds for it, not only those it granted itself.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/fo_lib.sh"
e2e_init
fo_require
fo_up
out=$(load -b "$FO_RELAY" -n 500 -r 3000 -w 300 -o "$T/acks1.txt" -t 30 -i 2) ||
    fail "clients: $out"
fo_wait_holds 10 "$T/acks1.txt"
old_id=$(fctl status branch1 --json | jq -r .primary_store_id)

fo_kill_primary
out=$(load -b "$FO_RELAY" -n 100 -m 0x20 -r 3000 -w 100 -o "$T/acks2.txt" -t 30 -i 2) ||
    fail "clients during takeover: $out"
rm -rf "$T/p/state"
ok "the primary's lease store is gone"

p_start
fo_wait_state monitoring 15
p_wait_serving 15
d=$(fctl status branch1 --json)
say "hand-back: $(jq -r .last_handback_bindings <<<"$d") bindings in $(jq -r .last_handback_secs <<<"$d") s, full: $(jq -r .handback_full <<<"$d")"
assert "a full hand-back" test "$(jq -r .handback_full <<<"$d")" = true
assert "the failover now follows the new store" \
    test "$(jq -r .primary_store_id <<<"$d")" != "$old_id"
bound_of "$T/p/ctl.sock" >"$T/p-bound.txt"
assert "the primary holds its 500 old bindings again" check_all_held "$T/acks1.txt" "$T/p-bound.txt"
assert "and the 100 the failover granted" check_all_held "$T/acks2.txt" "$T/p-bound.txt"
out=$(load -b "$FO_RELAY" -e "$T/acks1.txt" -r 3000 -w 300 -o "$T/renew.txt" -t 30 -i 2) ||
    fail "renewals with the primary: $out"
ok "its old clients renew with it and keep their addresses"

# The next hand-back is back to the failover's own grants only.
fo_kill_primary
p_start
fo_wait_state monitoring 15
d=$(fctl status branch1 --json)
assert "then only its own grants travel ($(jq -r .last_handback_bindings <<<"$d"))" \
    test "$(jq -r .handback_full <<<"$d")" = false
pass
