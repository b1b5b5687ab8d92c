// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
#include <stdio.h>
#include <linux/pci_regs.h>

#include "pci_cfg.h"

#define MAX_STD_CAPS	48	/* (256 - 64) / 4 */
#define MAX_EXT_CAPS	960	/* (4096 - 256) / 4 */

uint8_t pci_cfg_r8(const uint8_t *cfg, size_t len, size_t off)
{
	return off < len ? cfg[off] : 0xff;
}

uint16_t pci_cfg_r16(const uint8_t *cfg, size_t len, size_t off)
{
	return (uint16_t)(pci_cfg_r8(cfg, len, off) |
			  pci_cfg_r8(cfg, len, off + 1) << 8);
}

uint32_t pci_cfg_r32(const uint8_t *cfg, size_t len, size_t off)
{
	return (uint32_t)pci_cfg_r16(cfg, len, off) |
	       (uint32_t)pci_cfg_r16(cfg, len, off + 2) << 16;
}

static bool has_cap_list(const uint8_t *cfg, size_t len)
{
	return len >= PCI_CFG_SIZE_LEGACY &&
	       (pci_cfg_r16(cfg, len, PCI_STATUS) & PCI_STATUS_CAP_LIST);
}

int pci_check_cap_list(const uint8_t *cfg, size_t len, unsigned int *count,
		       char *err, size_t errlen)
{
	unsigned int pos, n = 0;

	*count = 0;
	if (len < PCI_CFG_SIZE_LEGACY) {
		snprintf(err, errlen, "config image too short (%zu bytes)", len);
		return -1;
	}
	if (!has_cap_list(cfg, len))
		return 0;
	pos = pci_cfg_r8(cfg, len, PCI_CAPABILITY_LIST) & ~3u;
	while (pos) {
		if (pos < PCI_STD_HEADER_SIZEOF || pos > PCI_CFG_SIZE_LEGACY - 2) {
			snprintf(err, errlen, "capability pointer 0x%02x outside 0x40..0xfe", pos);
			return -1;
		}
		if (++n > MAX_STD_CAPS) {
			snprintf(err, errlen, "capability list loops (more than %d entries)",
				 MAX_STD_CAPS);
			return -1;
		}
		pos = pci_cfg_r8(cfg, len, pos + PCI_CAP_LIST_NEXT) & ~3u;
	}
	*count = n;
	return 0;
}

unsigned int pci_find_cap(const uint8_t *cfg, size_t len, uint8_t id)
{
	unsigned int pos, n = 0;

	if (!has_cap_list(cfg, len))
		return 0;
	pos = pci_cfg_r8(cfg, len, PCI_CAPABILITY_LIST) & ~3u;
	while (pos >= PCI_STD_HEADER_SIZEOF && pos <= PCI_CFG_SIZE_LEGACY - 2 &&
	       n++ < MAX_STD_CAPS) {
		if (pci_cfg_r8(cfg, len, pos + PCI_CAP_LIST_ID) == id)
			return pos;
		pos = pci_cfg_r8(cfg, len, pos + PCI_CAP_LIST_NEXT) & ~3u;
	}
	return 0;
}

static bool ext_header_empty(uint32_t hdr)
{
	return hdr == 0 || hdr == 0xffffffffu;
}

int pci_check_ext_cap_list(const uint8_t *cfg, size_t len, unsigned int *count,
			   char *err, size_t errlen)
{
	unsigned int pos = PCI_CFG_SIZE_LEGACY, n = 0;
	uint32_t hdr;

	*count = 0;
	if (len < PCI_CFG_SIZE_EXPRESS)
		return 0;	/* no extended space to walk */
	hdr = pci_cfg_r32(cfg, len, pos);
	if (ext_header_empty(hdr))
		return 0;
	for (;;) {
		if (++n > MAX_EXT_CAPS) {
			snprintf(err, errlen, "extended capability list loops");
			return -1;
		}
		pos = PCI_EXT_CAP_NEXT(hdr);
		if (!pos)
			break;
		if (pos < PCI_CFG_SIZE_LEGACY || pos > PCI_CFG_SIZE_EXPRESS - 4) {
			snprintf(err, errlen, "extended capability pointer 0x%03x "
				 "outside 0x100..0xffc", pos);
			return -1;
		}
		hdr = pci_cfg_r32(cfg, len, pos);
		if (ext_header_empty(hdr)) {
			snprintf(err, errlen, "extended capability at 0x%03x is empty "
				 "but is linked from the list", pos);
			return -1;
		}
	}
	*count = n;
	return 0;
}

unsigned int pci_find_ext_cap(const uint8_t *cfg, size_t len, uint16_t id)
{
	unsigned int pos = PCI_CFG_SIZE_LEGACY, n = 0;
	uint32_t hdr;

	if (len < PCI_CFG_SIZE_EXPRESS)
		return 0;
	while (pos >= PCI_CFG_SIZE_LEGACY && pos <= PCI_CFG_SIZE_EXPRESS - 4 &&
	       n++ < MAX_EXT_CAPS) {
		hdr = pci_cfg_r32(cfg, len, pos);
		if (ext_header_empty(hdr))
			return 0;
		if (PCI_EXT_CAP_ID(hdr) == id)
			return pos;
		pos = PCI_EXT_CAP_NEXT(hdr);
	}
	return 0;
}

bool pci_bar_is_io(uint32_t bar)
{
	return bar & PCI_BASE_ADDRESS_SPACE_IO;
}

bool pci_bar_is_64(uint32_t bar)
{
	return !pci_bar_is_io(bar) &&
	       (bar & PCI_BASE_ADDRESS_MEM_TYPE_MASK) == PCI_BASE_ADDRESS_MEM_TYPE_64;
}

uint64_t pci_bar_size(uint32_t lo_readback, uint32_t hi_readback, bool is64, bool is_io)
{
	uint64_t mask;

	if (is_io)
		mask = lo_readback & PCI_BASE_ADDRESS_IO_MASK;
	else
		mask = lo_readback & PCI_BASE_ADDRESS_MEM_MASK;
	if (is64 && !is_io)
		mask |= (uint64_t)hi_readback << 32;
	return mask & (~mask + 1);	/* lowest set bit */
}

bool is_pow2_u64(uint64_t v)
{
	return v && !(v & (v - 1));
}
