FUZZ_OBJS_fuzz_config_failover = fod_config ini_scan cfg_file cfg_msg strbuf \
    cfg_value cfg_spec cfg_tables cfg_check cfg_opts cfg_class cfg_optset config optdef optval fo_codec log
$(BUILD)/fuzz/fuzz_config_failover: $(BUILD)/obj/tests/fuzz/cfg_fuzz.o
