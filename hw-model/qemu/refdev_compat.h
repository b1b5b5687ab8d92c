/*
 * refdev: what differs between the QEMU versions the glue builds into.
 *
 * Tested: Debian's QEMU 7.2 (bookworm) and 10.0 (trixie / bookworm-backports).
 * refdev.c includes this after QEMU's own headers; QEMU_VERSION_MAJOR comes
 * from config-host.h through qemu/osdep.h. Versions between 7.2 and 10.0
 * take the 7.2 side and are not tested.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef REFDEV_COMPAT_H
#define REFDEV_COMPAT_H

#if QEMU_VERSION_MAJOR >= 10

/* PCIDevice's definition and pci_dma_*() left hw/pci/pci.h in QEMU 8.0. */
#include "hw/pci/pci_device.h"

/* Property lists are const and sized by the compiler (no end marker). */
#define REFDEV_PROPERTY const Property
#define REFDEV_PROP_END

/*
 * The VF objects live as long as their PF: pcie_sriov_pf_init() realizes
 * all TotalVFs, VF Enable only enables them (pci_set_enabled() resets each
 * one as it turns on or off), and QEMU's PF reset clears the SR-IOV
 * capability and disables the VFs itself (pcie_sriov_pf_reset()).
 */
#define REFDEV_PERSISTENT_VFS 1

static inline void refdev_set_reset(DeviceClass *dc, DeviceReset fn)
{
    device_class_set_legacy_reset(dc, fn);
}

static inline void refdev_ari_init(PCIDevice *pdev, uint16_t offset)
{
    pcie_ari_init(pdev, offset);
}

/* A VF registers its BARs as any function; the PF's VF BAR places them. */
static inline void refdev_vf_register_bar(PCIDevice *pdev, int bar,
                                          uint8_t type, MemoryRegion *mr)
{
    pci_register_bar(pdev, bar, type, mr);
}

static inline bool refdev_sriov_pf_init(PCIDevice *pdev, uint16_t offset,
                                        const char *vfname, uint16_t vf_did,
                                        uint16_t total_vfs, uint16_t vf_offset,
                                        uint16_t vf_stride, Error **errp)
{
    return pcie_sriov_pf_init(pdev, offset, vfname, vf_did, total_vfs,
                              total_vfs, vf_offset, vf_stride, errp);
}

#else /* QEMU 7.2 */

#define REFDEV_PROPERTY Property
#define REFDEV_PROP_END DEFINE_PROP_END_OF_LIST(),

/* VF Enable creates and removes the VF objects (see refdev.c's PF reset). */
#define REFDEV_PERSISTENT_VFS 0

static inline void refdev_set_reset(DeviceClass *dc, DeviceReset fn)
{
    dc->reset = fn;
}

static inline void refdev_ari_init(PCIDevice *pdev, uint16_t offset)
{
    pcie_ari_init(pdev, offset, 0);
}

static inline void refdev_vf_register_bar(PCIDevice *pdev, int bar,
                                          uint8_t type, MemoryRegion *mr)
{
    pcie_sriov_vf_register_bar(pdev, bar, mr);
}

static inline bool refdev_sriov_pf_init(PCIDevice *pdev, uint16_t offset,
                                        const char *vfname, uint16_t vf_did,
                                        uint16_t total_vfs, uint16_t vf_offset,
                                        uint16_t vf_stride, Error **errp)
{
    pcie_sriov_pf_init(pdev, offset, vfname, vf_did, total_vfs, total_vfs,
                       vf_offset, vf_stride);
    return true;
}

#endif

#endif /* REFDEV_COMPAT_H */
