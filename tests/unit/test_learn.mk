UNIT_OBJS_test_learn = $(PAIR_OBJS)
