UNIT_OBJS_test_pair_learn = $(PAIR_OBJS)
$(BUILD)/unit/test_pair_learn: $(BUILD)/obj/tests/unit/pair_testutil.o
