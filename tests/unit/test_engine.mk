UNIT_OBJS_test_engine = engine pool share ranges dhcp_codec
