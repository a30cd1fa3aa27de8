UNIT_OBJS_test_optval = optval optdef strbuf
