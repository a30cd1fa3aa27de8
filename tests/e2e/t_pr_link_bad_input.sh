#!/bin/bash
# Failover link, case (e): bad input changes nothing.
#
# With the primary waiting for control, fopeer sends: a CtlRet and a Poll
# signed with another key, a truncated Poll, a Poll for another primary
# id, a byte-for-byte replay of an accepted Poll, a Poll from before its
# own restart (old boot epoch), the primary's own PollRpl reflected back,
# and a BindUpd whose lease record does not decode.  Each is dropped and
# counted under its name; none is answered, none moves the state (still
# ctl-wait, still one CtlReq), and good Polls around them are answered.
. "$(dirname "$0")/lib.sh"
e2e_init

# Topology and helpers shared by the t_pr_link_*.sh tests.
. "$(dirname "$0")/../tools/pr_link_lib.sh"

pr_link_setup "WaitCtlRetSecs = 60" "CtlReqRetryMax = 0"
fopeer_start
srv_start srv
wait_for 5 "[ \$(fo_count ctl-req) -ge 1 ]" || fail "no CtlReq reached fopeer"
rej() { st ".failover.rejected[\"$1\"]"; }
rpl() { fo_count poll-rpl; }
# expect_rej NAME N: the counter reaches N within 5 s.
expect_rej() {
	wait_for 5 "[ \"\$(rej $1)\" -eq $2 ]" ||
	    fail "$1 counted $(rej "$1"), expected $2"
	ok "$1 counted ($2)"
}

fo poll
wait_for 5 "[ \$(rpl) -eq 1 ]" || fail "first Poll not answered"
fo replay
expect_rej replayed 1
fo forge ctlret
expect_rej bad-hmac 1
fo forge poll
expect_rej bad-hmac 2
fo trunc
expect_rej short 1
fo wrongid
expect_rej unknown-peer 1
fo reflect
expect_rej reflected 1
fo poll
wait_for 5 "[ \$(rpl) -eq 2 ]" || fail "second good Poll not answered"
fo keep
fo restart
fo poll
wait_for 5 "[ \$(rpl) -eq 3 ]" || fail "Poll after fopeer's restart not answered"
assert "fopeer's restart noticed" test "$(st .failover.peer_restarts)" -eq 1
fo resend-kept
expect_rej old-epoch 1
fo badlease 77
expect_rej bad-lease 1

fo note end
fo poll
wait_for 5 "[ \$(rpl) -eq 4 ]" || fail "last Poll not answered"
assert "exactly the 4 good Polls were answered" test "$(rpl)" -eq 4
assert "the bad lease was not acknowledged" test "$(fo_count bind-ack)" -eq 0
assert "still ctl-wait" test "$(st .failover.state)" = ctl-wait
assert "still one CtlReq (nothing reset the wait)" \
    test "$(st .failover.ctl_req.sent)" -eq 1
assert "no subnet served" test "$(st '.subnets[0].serving')" = false
assert "no binding stored" test "$(srv_ctl leases --json | jq '.leases | length')" -eq 0
assert "accepted: 4 Polls + 1 BindUpd ($(st .failover.accepted))" \
    test "$(st .failover.accepted)" -eq 5
say "rejected: $(st -c '.failover.rejected | with_entries(select(.value > 0))')"
grep -q "failover: dropped datagram from 127.0.0.3:647: replayed" "$SRV_LOG" ||
    fail "the first drop of the burst is not logged"
ok "drops logged (rate-limited)"
pass
