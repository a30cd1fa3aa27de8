FUZZ_OBJS_fuzz_leasefile_kea = leasefile leasefile_dhcpd leasefile_kea leasefile_csv lf_last dhcpd_lex lease_text lease strbuf dhcp_codec
$(BUILD)/fuzz/fuzz_leasefile_kea: $(BUILD)/obj/tests/fuzz/lf_fuzz.o
