UNIT_OBJS_test_lease_db_meta = lease lease_db log prom strbuf
