// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * CRC32C (Castagnoli, reflected polynomial 0x82f63b78, init and final xor
 * ~0), the tree's one copy: the device's DMA CHECKSUM (DEV-DMA-002) and
 * stream header (STR-001) in hw-model/core (which compiles this file, see
 * hw-model/qemu/files.txt), and the guest tools that check them.
 * Check value: crc32c_sum("123456789", 9) = 0xe3069283.
 */
#include <stdbool.h>

#include "crc32c.h"

/* Slicing-by-8 tables, made on first use: saves and loads of a large
 * device memory (STR-007) checksum hundreds of MiB. */
static uint32_t slice[8][256];
static bool slice_ready;

static void slice_init(void)
{
	for (unsigned int i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0x82f63b78u & -(c & 1));
		slice[0][i] = c;
	}
	for (unsigned int i = 0; i < 256; i++)
		for (unsigned int k = 1; k < 8; k++)
			slice[k][i] = slice[0][slice[k - 1][i] & 0xff] ^ (slice[k - 1][i] >> 8);
	slice_ready = true;
}

uint32_t crc32c_update_sw(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	if (!slice_ready)
		slice_init();
	for (; len >= 8; len -= 8, p += 8) {
		uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 |
				     (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);

		crc = slice[7][lo & 0xff] ^ slice[6][(lo >> 8) & 0xff] ^
		      slice[5][(lo >> 16) & 0xff] ^ slice[4][lo >> 24] ^
		      slice[3][p[4]] ^ slice[2][p[5]] ^ slice[1][p[6]] ^
		      slice[0][p[7]];
	}
	while (len--)
		crc = slice[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

#if defined(__x86_64__) && defined(__GNUC__)
/*
 * The host's CRC32C instruction (SSE4.2) where it has one: a hardware CRC
 * engine, as real devices have; ~10x the tables (bench/ row stopcopy).
 */
__attribute__((target("sse4.2")))
static uint32_t crc32c_hw(uint32_t crc, const uint8_t *p, size_t len)
{
	uint64_t c = crc;

	for (; len >= 8; len -= 8, p += 8) {
		uint64_t v;

		__builtin_memcpy(&v, p, 8);
		c = __builtin_ia32_crc32di(c, v);
	}
	crc = (uint32_t)c;
	while (len--)
		crc = __builtin_ia32_crc32qi(crc, *p++);
	return crc;
}

uint32_t crc32c_update(uint32_t crc, const void *buf, size_t len)
{
	static int have = -1;

	if (have < 0)
		have = __builtin_cpu_supports("sse4.2");
	return have ? crc32c_hw(crc, buf, len) : crc32c_update_sw(crc, buf, len);
}
#else
uint32_t crc32c_update(uint32_t crc, const void *buf, size_t len)
{
	return crc32c_update_sw(crc, buf, len);
}
#endif

uint32_t crc32c_sum(const void *buf, size_t len)
{
	return ~crc32c_update(~0u, buf, len);
}
