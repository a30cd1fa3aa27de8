UNIT_OBJS_test_pace = pace
