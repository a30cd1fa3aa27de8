UNIT_OBJS_test_engine = engine pool share dhcp_codec
