UNIT_OBJS_test_pr_fsm = pr_fsm fsm_history
