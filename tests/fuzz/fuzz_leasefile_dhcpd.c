/*
 * Fuzz target: dhcpfoctl's reader of ISC dhcpd's lease file
 * (ctl/leasefile_dhcpd.c, ctl/dhcpd_lex.c); the checks are
 * tests/fuzz/lf_fuzz.c's.
 */
#include "lf_fuzz.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	lf_fuzz_one(LF_DHCPD, data, size);
	return 0;
}
