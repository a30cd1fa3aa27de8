UNIT_OBJS_test_repl_recs = repl_recs
