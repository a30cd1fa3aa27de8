FUZZ_OBJS_fuzz_classify = classify dhcp_codec
