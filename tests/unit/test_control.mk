UNIT_OBJS_test_control = control ctl_cmdline ctl_peer strbuf log ctl_export lease_text lease dhcp_codec
