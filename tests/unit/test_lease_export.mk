UNIT_OBJS_test_lease_export = lease_export lease_snap lease_text lease_db lease strbuf log
