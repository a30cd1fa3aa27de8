FUZZ_OBJS_fuzz_optval = optval optdef strbuf
