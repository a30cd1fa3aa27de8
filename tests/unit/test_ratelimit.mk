UNIT_OBJS_test_ratelimit = ratelimit log
