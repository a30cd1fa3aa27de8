UNIT_OBJS_test_lease_snap = lease_snap lease_db lease log
