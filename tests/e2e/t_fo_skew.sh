#!/bin/bash
# A PollRpl whose clock is off beyond the limit is no answer
# (docs/security.md "The failover channel"; docs/failover-protocol.md
# 7.2): a recording replayed long after it was made carries that old
# clock, and a live primary whose clock is 90 s off proves nothing by
# its replies either.  The primary runs its wall clock 90 s ahead
# (tests/tools/clockshift.c) and answers every poll; the failover
# reports the pair faulty, counts the replies as skewed, and takes over
# once its polls go unanswered.  (45 s off only warns: t_fo_bad_input.)
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/fo_lib.sh"
e2e_init
fo_require
require_cmd jq
SHIFT=$BUILD/tools/clockshift.so
[ -f "$SHIFT" ] || skip "$SHIFT not built (run make)"
P_ENV=(LD_PRELOAD="$SHIFT" CLOCKSHIFT_SECS=90)
case $BUILD in *san*) P_ENV+=(ASAN_OPTIONS=verify_asan_link_order=0) ;; esac
fo_net
fo_write_configs
p_start
f_start
fo_wait_state takeover 15
reason=$(fo_field last_takeover_reason)
say "failover: $(fo_state) ($reason), clock skew $(fo_field clock_skew) s"
assert "taken over because the polls went unanswered" \
    grep -q "polls unanswered" <<<"$reason"
assert "the pair is reported faulty" test "$(fo_field faulty)" = true
wait_for 5 "[ \$(fo_field skewed_answers) -ge 1 ]" ||
    fail "no reply counted as skewed ($(fo_field skewed_answers))"
ok "$(fo_field skewed_answers) replies came and none counted"
assert "the primary answered the polls all along" \
    test "$(pctl status --json | jq -r .failover.polls_answered)" -ge 2
grep -q "pair reported faulty" "$T/failover-1.log" || fail "no log line for the skew"
ok "skew logged"
pass
