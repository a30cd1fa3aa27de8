UNIT_OBJS_test_fo_recs =
$(BUILD)/unit/test_fo_recs: $(BUILD)/obj/primary/fo_recs.o
