FUZZ_OBJS_fuzz_config = pr_config cfg_scope cfg_render ini_scan cfg_file \
    cfg_msg strbuf cfg_value cfg_spec cfg_tables cfg_check cfg_opts cfg_class \
    cfg_optset config optdef optval fo_digest share ranges log
$(BUILD)/fuzz/fuzz_config: $(BUILD)/obj/tests/fuzz/cfg_fuzz.o
