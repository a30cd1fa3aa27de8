UNIT_OBJS_test_fo_answer = fo_accept fo_auth fo_codec strbuf
