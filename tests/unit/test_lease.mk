UNIT_OBJS_test_lease = lease
