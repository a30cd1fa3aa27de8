#!/bin/bash
# Many-to-one over an impaired path: one of three primaries sits behind a
# slow, lossy link (tc netem); the failover's threads are independent, so
# the other primaries' polls must stay on cadence (no misses, no
# takeover) while the lossy one may miss some.
#
# Topology (namespaces, TEST-NET addresses only inside them):
#	hub	the failover, ServerAddress 192.0.2.1/32 on its loopback
#	pI	primary I (I = 1..3) at 198.51.100.(4I+1)/30 on veth up0,
#		joined to hub's dnI (198.51.100.(4I+2)/30); route to
#		192.0.2.1 via hub
# Primary LOSSY (2) gets netem on both directions (hub:dn2 egress =
# polls, p2:up0 egress = replies): delay NETEM_DELAY each way (+ jitter)
# plus NETEM_LOSS loss; its WaitPollRplSecs (0.6) is above the round trip,
# its PollRetryMax (4) absorbs the loss.
#
# Needs tc and the sch_netem qdisc; without netem it falls back to loss
# only with nftables (and exits 77 if nft is missing too).
# FO_NETEM_NONE=1 runs the same measurement with no impairment, and
# FO_NETEM_FALLBACK=nft with loss only (nftables numgen), as harness
# checks on kernels without netem; the delay checks are then skipped.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/fo_lib.sh"
e2e_init
fo_require
require_cmd tc awk

NP=3
LOSSY=2
POLL_DELAY=0.5
WAIT_RPL=0.25
LOSSY_WAIT_RPL=0.6
NETEM_DELAY=${NETEM_DELAY:-80ms}
NETEM_JITTER=${NETEM_JITTER:-20ms}
NETEM_LOSS=${NETEM_LOSS:-10%}
WINDOW=${FO_NETEM_WINDOW:-15}
F_ADDR=192.0.2.1

pa()  { echo "198.51.100.$((4 * $1 + 1))"; }	# primary I
ha()  { echo "198.51.100.$((4 * $1 + 2))"; }	# hub's end of I's link
pictl() { local i=$1; shift; "$BUILD/dhcpfoctl" -s "$T/p$i/ctl.sock" "$@"; }
b() { fctl status --json 2>/dev/null | jq -r ".primaries[] | select(.name == \"branch$1\") | .$2"; }
p_state() { pictl "$1" status --json 2>/dev/null | jq -r .state; }

# ------------------------------------------------------------ network
ns_add hub
addr hub lo "$F_ADDR/32"
for i in $(seq 1 $NP); do
	ns_add "p$i"
	veth "p$i" up0 hub "dn$i"
	addr "p$i" up0 "$(pa "$i")/30"
	addr hub "dn$i" "$(ha "$i")/30"
	route "p$i" "$F_ADDR/32" via "$(ha "$i")"
	nsx hub ping -c 1 -W 2 -I "$F_ADDR" "$(pa "$i")" >/dev/null 2>&1 ||
	    fail "hub cannot reach p$i"
done

# nft_loss: loss only (no delay), for kernels without sch_netem: nftables
# in p$LOSSY drops NFT_LOSS % of the failover datagrams each way.
nft_loss() {
	pct=${NFT_LOSS:-15}
	nsx "p$LOSSY" nft -f - <<EOF || skip "nft rules refused"
table inet fo_loss {
	chain in { type filter hook input priority 0; udp dport 647 numgen random mod 100 < $pct drop; }
	chain out { type filter hook output priority 0; udp sport 647 numgen random mod 100 < $pct drop; }
}
EOF
	IMPAIRED=0
}

if [ "${FO_NETEM_NONE:-0}" = 1 ]; then
	say "FO_NETEM_NONE=1: no impairment applied (harness check)"
	IMPAIRED=0
elif [ "${FO_NETEM_FALLBACK:-}" = nft ]; then
	require_cmd nft
	nft_loss
	say "FO_NETEM_FALLBACK=nft: ${pct}% loss each way on the p$LOSSY path, no delay"
elif err=$(nsx hub tc qdisc add dev "dn$LOSSY" root netem \
    delay "$NETEM_DELAY" "$NETEM_JITTER" loss "$NETEM_LOSS" 2>&1); then
	err=$(nsx "p$LOSSY" tc qdisc add dev up0 root netem \
	    delay "$NETEM_DELAY" "$NETEM_JITTER" loss "$NETEM_LOSS" 2>&1) ||
	    fail "tc qdisc add ... netem failed in p$LOSSY: $err"
	IMPAIRED=1
	ok "netem on the p$LOSSY path: delay $NETEM_DELAY $NETEM_JITTER, loss $NETEM_LOSS each way"
elif command -v nft >/dev/null 2>&1; then
	# This kernel has no netem: the lossy path is still tested, its
	# added delay is not (said here, not skipped silently).
	nft_loss
	say "no sch_netem in this kernel ($err): ${pct}% loss each way on the p$LOSSY path with nftables, no added delay"
else
	skip "tc qdisc add ... netem failed (sch_netem not available?) and nft is missing: $err"
fi

# ------------------------------------------------------------ configs
mkdir -p "$T/f"
{
	echo "; written by $E2E_NAME"
	echo "[server]"
	echo "Name = hub1"
	echo "ServerAddress = $F_ADDR"
	echo "FailoverPort = 647"
	echo "StateDir = $T/f/state"
	echo "ControlSocket = $T/f/ctl.sock"
	echo "PidFile = $T/f/pid"
	echo "$E2E_SERVER_LINES"
	echo "[failover]"
	echo "PollDelay = $POLL_DELAY"
	echo "PollRetryMax = 2"
	echo "WaitPollRplSecs = $WAIT_RPL"
	echo "WaitSyncStartSecs = 2"
	echo "SyncReqRetryMax = 3"
	echo "WaitSyncBindAckSecs = 1"
	echo "SyncBindRetryMax = 3"
	echo "TakeoverPingCheck = false"
} >"$T/failover.ini"
for i in $(seq 1 $NP); do
	mkdir -p "$T/p$i"
	(umask 077; openssl rand -hex 32 >"$T/branch$i.key") || fail "key"
	net="203.0.113.$((64 * (i - 1)))"
	base=$((64 * (i - 1)))
	{
		echo "[primary:branch$i]"
		echo "Address = $(pa "$i")"
		echo "Port = 647"
		echo "SharedKeyFile = $T/branch$i.key"
		if [ "$i" = "$LOSSY" ]; then
			echo "WaitPollRplSecs = $LOSSY_WAIT_RPL"
			echo "PollRetryMax = 4"
		fi
		echo "[subnet:b$i]"
		echo "Primary = branch$i"
		echo "Subnet = $net/26"
		echo "Range = 203.0.113.$((base + 10))-203.0.113.$((base + 60))"
		echo "Routers = 203.0.113.$((base + 1))"
	} >>"$T/failover.ini"
	cat >"$T/p$i.ini" <<EOF
; written by $E2E_NAME
[server]
Name = branch$i
ServerAddress = $(pa "$i")
StateDir = $T/p$i/state
ControlSocket = $T/p$i/ctl.sock
PidFile = $T/p$i/pid
PingBeforeAssign = false
$E2E_SERVER_LINES
[failover]
UseFailoverServer = true
FailoverServer = $F_ADDR
FailoverPort = 647
SharedKeyFile = $T/branch$i.key
CtlReqRetryMax = 5
WaitCtlRetSecs = 1
WaitSyncBindAckSecs = 1
SyncBindRetryMax = 3
[subnet:b$i]
Subnet = $net/26
Range = 203.0.113.$((base + 10))-203.0.113.$((base + 60))
Routers = 203.0.113.$((base + 1))
EOF
	nsx "p$i" "$P_BIN" -t -c "$T/p$i.ini" >"$T/check-p$i.log" 2>&1 ||
	    { cat "$T/check-p$i.log"; fail "p$i.ini rejected by -t"; }
done
nsx hub "$BUILD/dhcpfo-failover" -t -c "$T/failover.ini" >"$T/check-f.log" 2>&1 ||
    { cat "$T/check-f.log"; fail "failover.ini rejected by -t"; }

# ------------------------------------------------------------ start
for i in $(seq 1 $NP); do
	bg_in "p$i" "$T/primary$i.log" "$P_BIN" -f -c "$T/p$i.ini"
done
bg_in hub "$T/failover.log" "$BUILD/dhcpfo-failover" -f -c "$T/failover.ini"
F_PID=$BG_PID
wait_for 10 "fctl status --json | jq -e .primaries" || fail "failover not answering"
for i in $(seq 1 $NP); do
	wait_for 30 "[ \"\$(b $i state)\" = monitoring ] && [ \"\$(p_state $i)\" = serving ]" ||
	    fail "branch$i not monitoring/serving: $(b "$i" state) / $(p_state "$i")"
done
ok "three primaries serving, three threads monitoring"
w=$(fctl status "branch$LOSSY" --json | jq -r .policy.wait_poll_rpl)
assert "branch$LOSSY's policy has WaitPollRplSecs $LOSSY_WAIT_RPL (status: $w)" \
    test "$(echo "$w == $LOSSY_WAIT_RPL" | bc)" = 1

# ------------------------------------------------------------ measure
# Sample the failover's status every 0.2 s for WINDOW seconds (a fixed
# measuring window, not a wait for a condition): per primary the state,
# consecutive misses and (last_poll_sent, last_reply) pairs.
snap() {
	fctl status --json | jq -r '.primaries[] | [.name, .polls_sent,
	    .polls_answered, .polls_timed_out, .takeovers] | @tsv'
}
snap >"$T/before.tsv" || fail "status"
t_start=$(now_ms)
deadline=$((t_start + WINDOW * 1000))
: >"$T/samples.tsv"
while [ "$(now_ms)" -lt "$deadline" ]; do
	fctl status --json | jq -r '.primaries[] | [.name, .state,
	    .consecutive_misses, .last_poll_sent, .last_reply] | @tsv' \
	    >>"$T/samples.tsv"
	sleep 0.2	# sampling period
done
snap >"$T/after.tsv" || fail "status"
el=$(echo "scale=3; ($(now_ms) - $t_start) / 1000" | bc)
say "measured for ${el} s ($(wc -l <"$T/samples.tsv") samples)"

# Per primary: deltas of the counters, worst consecutive misses, states
# seen, and reply latency = last_reply - last_poll_sent for every distinct
# poll whose reply had arrived (ms resolution in status).
join -t "$(printf '\t')" <(sort "$T/before.tsv") <(sort "$T/after.tsv") >"$T/deltas.tsv"
report() {	# NAME -> "sent answered timedout takeovers maxmiss states lat_n lat_avg lat_max"
	local n=$1 d
	d=$(awk -F'\t' -v n="$n" '$1 == n { print $6-$2, $7-$3, $8-$4, $9-$5 }' "$T/deltas.tsv")
	awk -F'\t' -v n="$n" -v d="$d" '
	    $1 != n { next }
	    { if ($3 > mm) mm = $3; st[$2] = 1
	      if ($5 >= $4 && $4 > 0 && !($4 in seen)) {
	          seen[$4] = 1; l = $5 - $4; k++; sum += l; if (l > mx) mx = l } }
	    END { s = ""; for (x in st) s = s (s == "" ? "" : ",") x
	          printf "%s %d %s %d %.1f %.1f\n", d, mm, s, k,
	              k ? 1000 * sum / k : -1, 1000 * mx }' "$T/samples.tsv"
}
expect=$(echo "$el / $POLL_DELAY" | bc -l)
lo=$(echo "$expect * 0.75" | bc -l | cut -d. -f1)
hi=$(echo "$expect * 1.1 + 2" | bc -l | cut -d. -f1)
say "cadence: PollDelay $POLL_DELAY s -> ~$(printf %.0f "$expect") polls expected per healthy primary ($lo..$hi accepted)"
for i in $(seq 1 $NP); do
	read -r sent ans tmo tk mm sts latn lata latm <<<"$(report "branch$i")"
	say "branch$i: polls sent +$sent answered +$ans timed out +$tmo takeovers +$tk" \
	    "max consecutive misses $mm states {$sts} reply latency avg ${lata} ms max ${latm} ms (n=$latn)"
	[ "$i" = "$LOSSY" ] && continue
	assert "branch$i polls on cadence ($sent in $lo..$hi)" \
	    test "$sent" -ge "$lo" -a "$sent" -le "$hi"
	assert "branch$i every poll answered ($ans of $sent, +-1 in flight)" \
	    test "$ans" -ge $((sent - 1))
	assert "branch$i no timeouts, no misses, no takeover" \
	    test "$tmo/$mm/$tk/$sts" = "0/0/0/monitoring"
done
read -r sent ans tmo tk mm sts latn lata latm <<<"$(report "branch$LOSSY")"
assert "lossy branch$LOSSY still answers polls ($ans answered)" test "$ans" -gt 0
if [ "$IMPAIRED" = 1 ]; then
	# One-way delay NETEM_DELAY each way: the round trip must show it.
	min_ms=$(( ${NETEM_DELAY%ms} ))
	assert "branch$LOSSY's reply latency shows the delay (avg $lata ms >= $min_ms ms)" \
	    test "$(echo "$lata >= $min_ms" | bc)" = 1
	assert "branch$LOSSY's latency stays under its WaitPollRplSecs (max $latm ms)" \
	    test "$(echo "$latm < $LOSSY_WAIT_RPL * 1000" | bc)" = 1
	say "branch$LOSSY took over $tk time(s) in the window (allowed: lossy path)"
fi
for i in $(seq 1 $NP); do
	[ "$i" = "$LOSSY" ] && continue
	assert "branch$i's primary still serving" test "$(p_state "$i")" = serving
done
pass
