UNIT_OBJS_test_fo_fsm = fo_fsm pr_fsm fsm_history fo_codec
