UNIT_OBJS_test_prom = prom strbuf
