FUZZ_OBJS_fuzz_lease_record = lease lease_find lease_text pool share ranges dhcp_codec classify config cfg_optset strbuf log control ctl_cmdline ctl_peer
