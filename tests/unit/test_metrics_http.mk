UNIT_OBJS_test_metrics_http = metrics_http prom strbuf log
