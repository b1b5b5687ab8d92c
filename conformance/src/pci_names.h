/* SPDX-License-Identifier: GPL-2.0-or-later OR MIT */
#ifndef CONFORM_PCI_NAMES_H
#define CONFORM_PCI_NAMES_H

#include <stddef.h>

/*
 * Vendor and device names of a PCI ID pair from the PCI ID database
 * (pci.ids, read by libpci of pciutils). vendor/device: sysfs text
 * ("0x1b36"). Each name is "" when the database has none (or is absent).
 */
void pci_names(const char *vendor, const char *device,
	       char *vendor_name, size_t vlen, char *device_name, size_t dlen);

#endif
