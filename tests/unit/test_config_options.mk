UNIT_OBJS_test_config_options = pr_config cfg_scope fod_config ini_scan \
    cfg_file cfg_msg strbuf cfg_value cfg_spec cfg_tables cfg_check cfg_opts \
    cfg_class cfg_optset config optdef optval fo_digest share ranges fo_codec \
    log
