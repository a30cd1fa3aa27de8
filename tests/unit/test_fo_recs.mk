UNIT_OBJS_test_fo_recs = fo_recs
