UNIT_OBJS_test_lease_db = lease lease_db log prom strbuf
