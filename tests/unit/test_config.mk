UNIT_OBJS_test_config = config log
