UNIT_OBJS_test_lease_defer = lease lease_db lease_defer log prom strbuf
