FUZZ_OBJS_fuzz_fo_codec = fo_codec fo_auth strbuf
