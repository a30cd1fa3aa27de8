UNIT_OBJS_test_lease_find = lease_find lease_text pool share ranges lease strbuf log control dhcp_codec
