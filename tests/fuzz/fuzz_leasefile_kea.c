/*
 * Fuzz target: dhcpfoctl's reader of Kea's memfile CSV
 * (ctl/leasefile_kea.c); the checks are tests/fuzz/lf_fuzz.c's.
 */
#include "lf_fuzz.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	lf_fuzz_one(LF_KEA, data, size);
	return 0;
}
