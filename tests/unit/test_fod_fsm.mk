UNIT_OBJS_test_fod_fsm = fod_fsm pr_fsm fsm_history fo_codec
