UNIT_OBJS_test_fo_conflict =
$(BUILD)/unit/test_fo_conflict: $(BUILD)/obj/primary/fo_conflict.o
