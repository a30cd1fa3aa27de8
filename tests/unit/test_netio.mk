UNIT_OBJS_test_netio = netio pkt_build ifaddr
