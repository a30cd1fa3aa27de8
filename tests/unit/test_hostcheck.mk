UNIT_OBJS_test_hostcheck = hostcheck pr_hostcheck fod_hostcheck pr_config priv \
    fod_config cfg_scope ini_scan cfg_file cfg_msg strbuf cfg_value \
    cfg_spec cfg_tables cfg_check cfg_opts cfg_class cfg_optset config \
    optdef optval log fo_auth fo_codec ifaddr lease_db lease prom pool \
    share ranges dhcp_codec
