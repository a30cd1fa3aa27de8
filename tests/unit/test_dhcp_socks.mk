UNIT_OBJS_test_dhcp_socks = dhcp_socks netio ifaddr log pkt_build
