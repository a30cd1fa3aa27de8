UNIT_OBJS_test_fod_queue = fod_queue strbuf
