UNIT_OBJS_test_engine = engine ratelimit log pool share ranges dhcp_codec classify reply_opts config cfg_optset lease
