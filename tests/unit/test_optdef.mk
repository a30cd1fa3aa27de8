UNIT_OBJS_test_optdef = optdef
