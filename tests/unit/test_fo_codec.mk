UNIT_OBJS_test_fo_codec = fo_codec fo_auth lease strbuf
