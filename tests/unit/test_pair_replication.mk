UNIT_OBJS_test_pair_replication = $(PAIR_OBJS)
# The harness; Berkeley DB made to fail on request (linked in).
$(BUILD)/unit/test_pair_replication: $(BUILD)/obj/tests/unit/pair_testutil.o \
	$(BUILD)/obj/tests/tools/dbfault.o
