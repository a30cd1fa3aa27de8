UNIT_OBJS_test_engine = engine pool dhcp_codec
