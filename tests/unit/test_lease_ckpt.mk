UNIT_OBJS_test_lease_ckpt = lease lease_db lease_ckpt log prom strbuf
