FUZZ_OBJS_fuzz_config_failover = fod_config config fo_codec log
