/*
 * Helpers shared by the configuration unit tests (test_config.c,
 * test_config_failover.c): addresses from text, and INI text written to
 * one temporary file per test, removed by ini_teardown.  Include after
 * <cmocka.h>; define INI_TMP_TEMPLATE first to name the file.
 */
#ifndef DHCPFO_INI_TESTUTIL_H
#define DHCPFO_INI_TESTUTIL_H

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef INI_TMP_TEMPLATE
#define INI_TMP_TEMPLATE	"/tmp/test_ini.XXXXXX"
#endif

static char	 tmp_path[64];

static uint32_t
A(const char *s)
{
	struct in_addr in;

	if (inet_pton(AF_INET, s, &in) != 1)
		fail_msg("bad address in test: %s", s);
	return ntohl(in.s_addr);
}

static const char *
write_ini(const char *text)
{
	int	 fd;
	size_t	 len = strlen(text);

	if (tmp_path[0] != '\0')
		unlink(tmp_path);
	snprintf(tmp_path, sizeof(tmp_path), "%s", INI_TMP_TEMPLATE);
	if ((fd = mkstemp(tmp_path)) < 0)
		fail_msg("mkstemp failed");
	if (write(fd, text, len) != (ssize_t)len)
		fail_msg("write failed");
	close(fd);
	return tmp_path;
}

static int
teardown(void **state)
{
	(void)state;
	if (tmp_path[0] != '\0')
		unlink(tmp_path);
	tmp_path[0] = '\0';
	return 0;
}

#endif
