UNIT_OBJS_test_fo_auth = fo_auth fo_codec strbuf
