UNIT_OBJS_test_share = share ranges fo_digest config cfg_optset optdef
