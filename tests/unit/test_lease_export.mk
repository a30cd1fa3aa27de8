UNIT_OBJS_test_lease_export = lease_export lease_scan lease_backup backup_job lease_text lease_db lease strbuf log control ctl_cmdline ctl_peer prom dhcp_codec
