UNIT_OBJS_test_share = share fo_digest
