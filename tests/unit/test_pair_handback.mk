UNIT_OBJS_test_pair_handback = $(PAIR_OBJS)
$(BUILD)/unit/test_pair_handback: $(BUILD)/obj/tests/unit/pair_testutil.o
