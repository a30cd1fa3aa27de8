UNIT_OBJS_test_classify = classify dhcp_codec
