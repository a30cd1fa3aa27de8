UNIT_OBJS_test_gcommit = gcommit dhcp_reply dhcp_codec netio pkt_build ifaddr lease lease_db log lease_log pool share ranges prom strbuf
# Berkeley DB made to fail on request (linked in: no preloading).
$(BUILD)/unit/test_gcommit: $(BUILD)/obj/tests/tools/dbfault.o
