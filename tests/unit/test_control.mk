UNIT_OBJS_test_control = control strbuf log
