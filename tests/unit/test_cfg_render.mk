UNIT_OBJS_test_cfg_render = cfg_render cfg_scope pr_config fod_config \
    ini_scan cfg_file cfg_msg strbuf cfg_value cfg_spec cfg_tables cfg_check \
    cfg_opts cfg_class cfg_optset config optdef optval fo_digest share ranges \
    fo_codec log
