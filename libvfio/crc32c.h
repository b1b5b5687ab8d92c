/* SPDX-License-Identifier: GPL-2.0-or-later OR MIT */
/*
 * CRC32C (Castagnoli, reflected 0x82f63b78, ~0 in and out): what refdev's
 * CHECKSUM descriptor and stream header compute (DEV-DMA-002, STR-001).
 * Check value: crc32c("123456789") = 0xe3069283.
 */
#ifndef LIBVFIO_CRC32C_H
#define LIBVFIO_CRC32C_H

#include <stddef.h>
#include <stdint.h>

uint32_t crc32c(const void *buf, size_t len);

#endif /* LIBVFIO_CRC32C_H */
