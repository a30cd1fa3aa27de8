UNIT_OBJS_test_lease_backup = lease_backup lease_db lease log prom strbuf
