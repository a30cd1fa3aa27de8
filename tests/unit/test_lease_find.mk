UNIT_OBJS_test_lease_find = lease_find lease_text pool share ranges lease strbuf log control ctl_cmdline ctl_peer dhcp_codec
