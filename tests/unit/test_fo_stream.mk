UNIT_OBJS_test_fo_stream = fo_stream
