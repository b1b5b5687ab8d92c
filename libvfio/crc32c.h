/* SPDX-License-Identifier: GPL-2.0-or-later OR MIT */
/* CRC32C, the one copy (crc32c.c); no libc beyond <stdint.h>, <stddef.h>:
 * the device core builds it inside QEMU too (whose own crc32c() it must
 * not clash with, hence the names). */
#ifndef LIBVFIO_CRC32C_H
#define LIBVFIO_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* CRC32C of @buf: init and final xor ~0 (DEV-DMA-002, STR-001). */
uint32_t crc32c_sum(const void *buf, size_t len);
/* The raw register update, for a CRC over pieces: ~crc32c_update(~0u, ...). */
uint32_t crc32c_update(uint32_t crc, const void *buf, size_t len);
/* The same without the CPU's CRC instruction (tests compare the two). */
uint32_t crc32c_update_sw(uint32_t crc, const void *buf, size_t len);

#endif /* LIBVFIO_CRC32C_H */
