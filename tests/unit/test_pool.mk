UNIT_OBJS_test_pool = pool share ranges dhcp_codec
