UNIT_OBJS_test_lease_log = lease_log log engine ratelimit pool share ranges dhcp_codec classify reply_opts config cfg_optset lease
