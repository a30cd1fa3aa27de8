UNIT_OBJS_test_log = log
