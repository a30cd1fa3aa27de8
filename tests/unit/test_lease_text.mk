UNIT_OBJS_test_lease_text = lease_text lease strbuf dhcp_codec
