UNIT_OBJS_test_park = park
