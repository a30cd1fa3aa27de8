UNIT_OBJS_test_config_failover = fod_config config fo_codec log
