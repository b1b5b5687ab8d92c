// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <pci/pci.h>

#include "pci_names.h"

/* libpci reports a missing or broken pci.ids here; a name is only a help. */
static void quiet(char *msg, ...)
{
	(void)msg;
}

/* libpci's error handler must not return: back to pci_names(), no name. */
static jmp_buf lookup_failed;

static _Noreturn void die_quietly(char *msg, ...)
{
	(void)msg;
	longjmp(lookup_failed, 1);
}

static void copy_name(char *dst, size_t len, const char *name)
{
	if (!len)
		return;
	strncpy(dst, name ? name : "", len - 1);
	dst[len - 1] = '\0';
}

void pci_names(const char *vendor, const char *device,
	       char *vendor_name, size_t vlen, char *device_name, size_t dlen)
{
	struct pci_access *pacc;
	char buf[256];
	unsigned long v, d;
	char *end;

	copy_name(vendor_name, vlen, NULL);
	copy_name(device_name, dlen, NULL);
	if (!vendor || !device)
		return;
	v = strtoul(vendor, &end, 16);
	if (end == vendor || *end || v > 0xffff)
		return;
	d = strtoul(device, &end, 16);
	if (end == device || *end || d > 0xffff)
		return;
	pacc = pci_alloc();
	if (!pacc)
		return;
	pacc->warning = quiet;
	pacc->error = die_quietly;
	/* pci_init sets up the name lookups too; pacc's bus access is unused */
	if (setjmp(lookup_failed)) {
		pci_cleanup(pacc);
		return;
	}
	pci_init(pacc);
	copy_name(vendor_name, vlen,
		  pci_lookup_name(pacc, buf, sizeof(buf),
				  PCI_LOOKUP_VENDOR | PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB,
				  (int)v));
	copy_name(device_name, dlen,
		  pci_lookup_name(pacc, buf, sizeof(buf),
				  PCI_LOOKUP_DEVICE | PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB,
				  (int)v, (int)d));
	pci_cleanup(pacc);
}
