// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/* CRC32C, bitwise (crc32c.h): the tools check kilobytes, not streams. */
#include "crc32c.h"

uint32_t crc32c(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t crc = ~0u;

	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78u & -(crc & 1));
	}
	return ~crc;
}
