UNIT_OBJS_test_ping = ping pkt_build
