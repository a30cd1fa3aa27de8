#!/bin/bash
# Both servers grant the same addresses in the same second, during a
# partition of the heartbeat path (docs/failover-design.md "Conflicts").
# Topology as t_fo_partition.sh: the primary P, the failover F and a relay
# R on one LAN, a blackhole route in P's namespace cutting what P sends to
# F.  Two relays, one per server, run their clients at the same time at
# the start of a second, so most duplicates are exact ties on `starts`,
# `cltt` and `ends`: the rule then goes by the client identity, and the
# primary's clients (chaddr 02:21:..) have the greater one.
#
# After the heal the primary's bindings come to the failover by
# replication and the failover's go to the primary by hand-back, in
# whatever order the two streams happen to take.  Either way both servers
# must end up holding, per address, the binding the rule picks -- the same
# one -- and every duplicate is counted on one side at least.
#
# Both servers can grant the same addresses only without a failover share
# (docs/safety.md): this pair is configured with FailoverShare = 0, as a
# site that turned the share off would be; t_fo_partition.sh shows that
# with the share no duplicate arises at all.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/fo_lib.sh"
e2e_init
fo_require
RELAY2=198.51.100.2
fo_lan3 0a
addr R lo "$RELAY2/32"
FO_P_EXTRA_FAILOVER="FailoverShare = 0"
FO_EXTRA_POLICY="FailoverShare = 0"
fo_write_configs
p_start
f_start
fo_wait_state monitoring 10
p_wait_serving 10

route P blackhole 192.0.2.2/32
ok "path from the primary to the failover cut"
fo_wait_state takeover 5
assert "the primary still serves" test "$(p_fostate)" = serving

# "ADDRESS HWADDR STARTS ENDS" of a daemon's bound leases.
bound_times() {
	"$BUILD/dhcpfoctl" -s "$1" leases --json |
	    jq -r '.leases[] | select(.state == "bound")
	        | "\(.address) \(.hwaddr | ascii_downcase) \(.starts) \(.ends)"' |
	    sort
}

# Both relays at once, just after a second begins.
wait_until_after "$(date +%s)"
load_to "$FO_P_ADDR" -b "$FO_RELAY" -n 50 -m 0x21 -r 2000 -w 50 \
    -o "$T/acks-p.txt" -t 30 -i 2 >"$T/load-p.log" &
lp=$!
load_to "$FO_F_ADDR" -b "$RELAY2" -n 50 -m 0x20 -r 2000 -w 50 \
    -o "$T/acks-f.txt" -t 30 -i 2 >"$T/load-f.log" &
lf=$!
wait "$lp" || fail "clients of the primary: $(cat "$T/load-p.log")"
wait "$lf" || fail "clients of the failover: $(cat "$T/load-f.log")"
say "primary side: $(cat "$T/load-p.log")"
say "failover side: $(cat "$T/load-f.log")"
bound_times "$T/p/ctl.sock" >"$T/p-during.txt"
bound_times "$T/f/ctl.sock" >"$T/f-during.txt"

# Per address granted by both: the binding the rule keeps.  Later starts,
# then later ends (cltt = starts for a fresh grant), then the greater
# client identity, "H" + htype + chaddr: the primary's 02:21:.. clients.
join "$T/p-during.txt" "$T/f-during.txt" | awk '
	$2 != $5 {
		n++
		if ($3 == $6 && $4 == $7) { tie++; w = $2 }
		else if ($3 > $6 || ($3 == $6 && $4 > $7)) w = $2
		else w = $5
		print $1, w > "'"$T/expect.txt"'"
	}
	END { print n + 0, tie + 0 }' >"$T/counts.txt"
read -r dups ties <"$T/counts.txt"
say "addresses granted to two clients: $dups, of them exact ties: $ties"
assert "the two servers granted the same addresses ($dups)" test "$dups" -ge 40
assert "ties happened ($ties)" test "$ties" -ge 1

nsx P ip route del blackhole 192.0.2.2/32 || fail "route del"
ok "path restored"
fo_wait_state monitoring 20
p_wait_serving 20

# Replication of what the primary keeps settles within BindUpdDelay and a
# commit; poll until the failover's copy shows it.
held_by() {
	bound_of "$1" >"$T/held.txt"
	join "$T/expect.txt" "$T/held.txt" | awk '$2 == $3' | wc -l
}
wait_for 10 "[ \$(held_by $T/f/ctl.sock) -eq $dups ]" ||
    fail "failover holds $(held_by "$T/f/ctl.sock") of the $dups winners"
ok "the failover holds the rule's binding of every duplicate"
assert "the primary holds the rule's binding of every duplicate" \
    test "$(held_by "$T/p/ctl.sock")" -eq "$dups"
bound_of "$T/p/ctl.sock" >"$T/p-bound.txt"
bound_of "$T/f/ctl.sock" >"$T/f-bound.txt"
assert "primary and failover hold the same bindings" \
    cmp -s "$T/p-bound.txt" "$T/f-bound.txt"
assert "no address bound to two clients" check_unique "$T/p-bound.txt"

cp=$(pctl status --json | jq -r '.failover.handback.conflicts')
# The failover's count reaches its status in a snapshot that may lag the
# bindings it holds (read from its lease table above).
wait_for 5 "[ \$((cp + \$(fo_field conflicts))) -ge $dups ]" || true
cf=$(fo_field conflicts)
say "conflicts counted: primary $cp, failover $cf"
assert "every duplicate counted on one side at least ($cp + $cf >= $dups)" \
    test $((cp + cf)) -ge "$dups"

# Every client renews: the winners keep their addresses, the losers are
# NAKed.
sort -u "$T/acks-p.txt" "$T/acks-f.txt" >"$T/all.txt"
load -b "$FO_RELAY" -e "$T/all.txt" -r 1000 -w 100 -o "$T/renew.txt" -t 30 -i 2 \
    >"$T/renew.log" 2>&1
say "renewals: $(cat "$T/renew.log")"
naks=$(sed -n 's/.* nak \([0-9]*\) .*/\1/p' "$T/renew.log")
moved=$(sed -n 's/.* moved \([0-9]*\)$/\1/p' "$T/renew.log")
assert "no renewal was ACKed with another address ($moved)" test "$moved" = 0
assert "one NAK per duplicate ($naks = $dups)" test "$naks" -eq "$dups"
assert "every renewed binding is the primary's" \
    check_all_held "$T/renew.txt" "$T/p-bound.txt"
pass
