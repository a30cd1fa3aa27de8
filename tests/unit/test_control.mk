UNIT_OBJS_test_control = control strbuf log ctl_export lease_text lease dhcp_codec
