FUZZ_OBJS_fuzz_config = config log
