UNIT_OBJS_test_priv = priv
