#!/bin/bash
# Failover link, case (a): UseFailoverServer = true but no failover runs.
# (And first: a key file others may read is only a warning of -t.)
#
# The primary starts in ctl-wait serving nothing, sends CtlReq, resends
# it CtlReqRetryMax times (WaitCtlRetSecs apart), then declares the
# failover inoperable and serves every subnet (docs/design.md §4 CtlReqRetryMax).
# Binding updates are still sent; with nobody acking they fail after
# SyncBindRetryMax retries and replication pauses with its watermark
# where it was.  Status and history show all of it.
. "$(dirname "$0")/lib.sh"
e2e_init

# Topology and helpers shared by the t_pr_link_*.sh tests.
. "$(dirname "$0")/../tools/pr_link_lib.sh"

pr_link_setup "CtlReqRetryMax = 2" "WaitCtlRetSecs = 1.5" \
    "WaitSyncBindAckSecs = 0.3" "SyncBindRetryMax = 1"

# A key file others can read is refused (docs/failover-protocol.md 6),
# but it stops no start: -t warns, naming the file and the fix, and exits
# 0 (the primary would serve without its failover: docs/security.md "Key
# problems", tests/e2e/t_key_isolation.sh).
chmod 644 "$T/fo.key"
nsx srv "$BUILD/dhcpfo-primary" -t -c "$T/primary.ini" >"$T/badkey.log" 2>&1
rc=$?
assert "a readable key file is a warning: -t exits 0 ($rc)" test "$rc" -eq 0
assert "the warning names the key file and the fix" \
    grep -q "^warning: .*SharedKeyFile: $T/fo.key: .*chmod 600 $T/fo.key" "$T/badkey.log"
chmod 600 "$T/fo.key"

t0=$(now_ms)
srv_start srv

assert "state is ctl-wait right after start" \
    test "$(st .failover.state)" = ctl-wait
assert "the subnet is the failover's: not served" \
    test "$(st '.subnets[0] | "\(.served_by) \(.serving)"')" = "failover false"
# A client asking now gets nothing: the pool does not serve.
load 5 0x31 3
assert "no ACK while waiting for control ($(wc -l <"$T/acks-0x31.txt"))" \
    test "$(wc -l <"$T/acks-0x31.txt")" -eq 0
assert "requests dropped as not-serving ($(st '.drops["not-serving"]'))" \
    test "$(st '.drops["not-serving"]')" -gt 0

wait_for 10 "[ \"\$(st .failover.state)\" = serving ]" ||
    fail "not serving after 10 s (state $(st .failover.state))"
secs=$(( ($(now_ms) - t0) / 1000 ))
ok "serving after about ${secs} s (3 CtlReq, 1.5 s apart)"
assert "3 CtlReq sent (1 + CtlReqRetryMax 2)" \
    test "$(st .failover.ctl_req.sent)" -eq 3
assert "failover declared inoperable once" \
    test "$(st .failover.ctl_req.inoperable)" -eq 1
assert "gave_up is shown" test "$(st .failover.gave_up)" = true
assert "the subnet is the primary's again" \
    test "$(st '.subnets[0] | "\(.served_by) \(.serving)"')" = "primary true"
assert "text status says the failover is inoperable" \
    bash -c "'$BUILD/dhcpfoctl' -s '$SRV_SOCK' status | grep -q 'failover declared inoperable'"

hist=$(srv_ctl history --json)
assert "history: init -> ctl-wait -> serving" \
    test "$(jq -r '[.history[] | "\(.from)>\(.to)"] | join(" ")' <<<"$hist")" = \
    "init>ctl-wait ctl-wait>serving"
assert "history gives the reason" \
    test "$(jq -r '.history[1].reason' <<<"$hist")" = \
    "failover not answering after 3 CtlReq; serving"
srv_ctl history | sed 's/^/  | /'
grep -q 'failover: ctl-wait -> serving (failover not answering after 3 CtlReq; serving)' \
    "$SRV_LOG" || fail "transition not logged as 'failover: A -> B (reason)'"
ok "transition logged"

# Now clients are served, and their bindings go out to nobody.
load 20 0x32
assert "20 clients bound" test "$(wc -l <"$T/acks-0x32.txt")" -eq 20
wait_for 10 "[ \"\$(st .failover.replication.paused)\" = true ]" ||
    fail "replication did not give up ($(st -c .failover.replication))"
assert "replication failure counted ($(st .failover.replication.failures))" \
    test "$(st .failover.replication.failures)" -ge 1
assert "retries counted ($(st .failover.replication.retries))" \
    test "$(st .failover.replication.retries)" -ge 1
assert "nothing acknowledged" test "$(st .failover.replication.acked)" -eq 0
# The watermark stays below the first update given up on (offers, which
# are not replicated, took the numbers below it).
w=$(st .failover.replication.watermark)
assert "watermark $w held below the updates sent" \
    grep -q "replication stopped at update $w: update $((w + 1)) " "$SRV_LOG"
say "last failure: $(st .failover.replication.last_failure)"
assert "the reason is shown" test -n "$(st .failover.replication.last_failure)"
srv_stop
assert "clean exit" test "$SRV_EXIT" -eq 0
pass
