UNIT_OBJS_test_lease_export = lease_export lease_scan lease_backup backup_job lease_text lease_db lease strbuf log control prom dhcp_codec
