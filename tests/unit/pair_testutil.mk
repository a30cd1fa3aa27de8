# The in-process pair tests (tests/unit/test_pair_*.c, harness in
# tests/unit/pair_testutil.c) run both daemons whole: every object of
# the tree but the two main.c.  Each test_pair_NAME.mk sets
# UNIT_OBJS_test_pair_NAME = $(PAIR_OBJS) and adds the harness object.
PAIR_OBJS = $(filter-out main,$(notdir $(basename $(COMMON_SRC) \
	    $(PRIMARY_SRC) $(FAILOVER_SRC))))
