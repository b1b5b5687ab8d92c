/* SPDX-License-Identifier: GPL-2.0-or-later OR MIT */
/*
 * Pure helpers over a PCI configuration space image (a byte buffer, little
 * endian as on the bus): capability walks and BAR arithmetic.  No I/O here,
 * so the unit tests can feed synthetic images.
 */
#ifndef CONFORM_PCI_CFG_H
#define CONFORM_PCI_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCI_CFG_SIZE_LEGACY	256
#define PCI_CFG_SIZE_EXPRESS	4096
#define PCI_BAR_COUNT		6

uint8_t pci_cfg_r8(const uint8_t *cfg, size_t len, size_t off);
uint16_t pci_cfg_r16(const uint8_t *cfg, size_t len, size_t off);
uint32_t pci_cfg_r32(const uint8_t *cfg, size_t len, size_t off);

/* Offset of the first capability with this ID, 0 if none (or list broken). */
unsigned int pci_find_cap(const uint8_t *cfg, size_t len, uint8_t id);
unsigned int pci_find_ext_cap(const uint8_t *cfg, size_t len, uint16_t id);

/*
 * Check that the (extended) capability list is well formed: pointers in
 * range, no loop.  Returns 0, or -1 with a message in err.  *count gets the
 * number of capabilities seen.
 */
int pci_check_cap_list(const uint8_t *cfg, size_t len, unsigned int *count,
		       char *err, size_t errlen);
int pci_check_ext_cap_list(const uint8_t *cfg, size_t len, unsigned int *count,
			   char *err, size_t errlen);

/* BAR register decoding */
bool pci_bar_is_io(uint32_t bar);
bool pci_bar_is_64(uint32_t bar);
/*
 * Size from the values read back after writing all ones: the lowest set
 * address bit.  hi is only used for 64-bit memory BARs.  0 = unimplemented.
 */
uint64_t pci_bar_size(uint32_t lo_readback, uint32_t hi_readback, bool is64, bool is_io);

bool is_pow2_u64(uint64_t v);

#endif /* CONFORM_PCI_CFG_H */
