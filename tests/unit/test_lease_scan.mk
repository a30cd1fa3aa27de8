UNIT_OBJS_test_lease_scan = lease_scan lease_db lease log prom strbuf
