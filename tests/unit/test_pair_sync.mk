UNIT_OBJS_test_pair_sync = $(PAIR_OBJS)
$(BUILD)/unit/test_pair_sync: $(BUILD)/obj/tests/unit/pair_testutil.o
