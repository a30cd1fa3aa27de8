UNIT_OBJS_test_pair_takeover = $(PAIR_OBJS)
$(BUILD)/unit/test_pair_takeover: $(BUILD)/obj/tests/unit/pair_testutil.o
