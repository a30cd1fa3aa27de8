UNIT_OBJS_test_pkt_build = pkt_build
