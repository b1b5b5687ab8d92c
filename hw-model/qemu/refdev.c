/*
 * refdev: the vfio-refdev reference SR-IOV device, QEMU glue.
 *
 * This file only adapts the QEMU-free core (hw-model/core/) to QEMU:
 * QOM types, BARs and MemoryRegionOps, MSI-X, SR-IOV wiring and resets.
 * The device itself is specified in vfio-refdev's SPEC.md ("Device").
 *
 *   -device refdev,bus=rp1[,total-vfs=N][,vendor-id=..][,device-id=..]
 *                  [,vf-device-id=..][,fault=NAME:COUNT[:PARAM[:VF]]]
 *                  [,vf-mem-size=SIZE]  (DEV-MEM-001: device memory per VF)
 *
 * The device object (VF slots, admin queue, DMA engines) lives in the PF;
 * a refdev-vf attaches to its slot when SR-IOV creates it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qemu/module.h"
#include "qemu/timer.h"
#include "qemu/rcu.h"
#include "exec/memory.h"
#include "qapi/error.h"
#include "hw/pci/pci.h"
#include "hw/pci/pcie.h"
#include "hw/pci/pcie_sriov.h"
#include "hw/pci/msix.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "qom/object.h"

#include "refdev_compat.h"
#include "refdev_dev.h"

#define TYPE_REFDEV_BASE "refdev-base"
#define TYPE_REFDEV      "refdev"
#define TYPE_REFDEV_VF   "refdev-vf"

OBJECT_DECLARE_SIMPLE_TYPE(RefdevState, REFDEV_BASE)

/* Config-space layout (DEV-CAP-001) */
#define REFDEV_CAP_PM_OFFSET     0x40
#define REFDEV_CAP_EXP_OFFSET    0x60
#define REFDEV_CAP_MSIX_OFFSET   0xa0
#define REFDEV_EXT_ARI_OFFSET    0x100
#define REFDEV_EXT_SRIOV_OFFSET  0x110

struct RefdevState {
    PCIDevice parent_obj;

    struct refdev_dev *dev;     /* PF: owned; VF: its PF's */
    struct refdev_func *func;   /* this function's state inside dev */
    uint16_t vf_index;
    QEMUBH *bh;                 /* PF: deferred work (DEV-DMA-005) */
    QEMUTimer *timer;           /* PF: LATE completions (DEV-FI-003) */
    QEMUBH *sriov_bh;           /* PF: VF removal after a reset (DEV-SRIOV-003) */
    MemoryRegion bar0;          /* container: registers + MSI-X */
    MemoryRegion regs;
    MemoryRegion sram;

    /* properties (PF only; VFs take their IDs from the PF) */
    uint16_t vendor_id;
    uint16_t device_id;
    uint16_t vf_device_id;
    uint16_t total_vfs;
    char *fault;
    bool imm_ready;             /* DEV-CAP-005; VFs copy their PF's */
    bool vf_pm;                 /* DEV-CAP-006; VFs copy their PF's */
    bool aq_sync;               /* DEV-AQ-018 */
    uint64_t vf_mem_size;       /* DEV-MEM-001 */
    bool attached;              /* VF: the core's slot is in use (QEMU 10) */
};

static void refdev_raise_msix(void *opaque, unsigned int vector)
{
    PCIDevice *pdev = PCI_DEVICE(opaque);

    if (msix_enabled(pdev)) {
        msix_notify(pdev, vector);
    }
}

/*
 * DEV-DMA-006: device DMA reaches RAM only. Anything else (our own BARs,
 * other MMIO, an IOMMU fault, bus mastering off) is a bus error, so DMA can
 * never re-enter a device model.
 */
static bool refdev_dma_to_ram(PCIDevice *pdev, uint64_t addr, uint32_t len,
                              bool is_write)
{
    AddressSpace *as = pci_get_address_space(pdev);

    RCU_READ_LOCK_GUARD();
    while (len) {
        hwaddr xlat, plen = len;
        MemoryRegion *mr = address_space_translate(as, addr, &xlat, &plen,
                                                   is_write,
                                                   MEMTXATTRS_UNSPECIFIED);

        if (!memory_region_is_ram(mr) || !plen) {
            return false;
        }
        plen = MIN(plen, len);
        addr += plen;
        len -= plen;
    }
    return true;
}

static bool refdev_dma_read(void *opaque, uint64_t addr, void *buf,
                            uint32_t len)
{
    PCIDevice *pdev = PCI_DEVICE(opaque);

    return refdev_dma_to_ram(pdev, addr, len, false) &&
           pci_dma_read(pdev, addr, buf, len) == MEMTX_OK;
}

static bool refdev_dma_write(void *opaque, uint64_t addr, const void *buf,
                             uint32_t len)
{
    PCIDevice *pdev = PCI_DEVICE(opaque);

    return refdev_dma_to_ram(pdev, addr, len, true) &&
           pci_dma_write(pdev, addr, buf, len) == MEMTX_OK;
}

static void refdev_schedule(void *opaque)
{
    qemu_bh_schedule(REFDEV_BASE(opaque)->bh);
}

static void refdev_timer_arm(void *opaque, uint64_t expire_ns)
{
    timer_mod_ns(REFDEV_BASE(opaque)->timer, expire_ns);
}

static uint64_t refdev_now_ns(void *opaque)
{
    return qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

/*
 * ADM-010: the MSI-X half of the FLR the device does itself (DEV-RST-001).
 * The rest of config space (BARs, command) stays: nobody saves and restores
 * it around a device-initiated reset.
 */
static void refdev_function_reset(void *opaque)
{
    msix_reset(PCI_DEVICE(opaque));
}

static const struct refdev_ops refdev_core_ops = {
    .raise_msix = refdev_raise_msix,
    .dma_read = refdev_dma_read,
    .dma_write = refdev_dma_write,
    .schedule = refdev_schedule,
    .timer_arm = refdev_timer_arm,
    .now_ns = refdev_now_ns,
    .function_reset = refdev_function_reset,
};

static void refdev_bh(void *opaque)
{
    refdev_dev_run(REFDEV_BASE(opaque)->dev);
}

static void refdev_timer_cb(void *opaque)
{
    refdev_dev_timer(REFDEV_BASE(opaque)->dev);
}

/*
 * DEV-FI-*: "fault=NAME:COUNT[:PARAM[:VF]]", NAME one of the names below or
 * the number; armed at realize and again after each PF reset.
 */
static bool refdev_arm_fault_prop(RefdevState *s, Error **errp)
{
    static const char *const names[] = {
        "none", "fail_status", "no_completion", "late", "corrupt_save",
        "drop_dirty", "extra_dirty", "flr_fail",
    };
    g_auto(GStrv) f = NULL;
    uint64_t v[4] = { 0, 1, 0, 0xffff };
    guint n;

    if (!s->fault || !*s->fault) {
        return true;
    }
    f = g_strsplit(s->fault, ":", 4);
    n = g_strv_length(f);
    for (guint i = 0; i < n; i++) {
        if (i == 0 && !qemu_strtou64(f[0], NULL, 0, &v[0])) {
            continue;
        }
        if (i == 0) {
            v[0] = ARRAY_SIZE(names);
            for (guint k = 0; k < ARRAY_SIZE(names); k++) {
                if (!strcmp(f[0], names[k])) {
                    v[0] = k;
                }
            }
        } else if (qemu_strtou64(f[i], NULL, 0, &v[i])) {
            v[0] = ARRAY_SIZE(names);
        }
    }
    if (v[0] > UINT32_MAX || v[3] > 0xffff ||
        refdev_dev_arm_fault(s->dev, v[0], v[1], v[2], v[3]) != REFDEV_AQ_S_OK) {
        error_setg(errp, "refdev: bad fault '%s' (NAME:COUNT[:PARAM[:VF]])",
                   s->fault);
        return false;
    }
    return true;
}

static uint64_t refdev_mmio_read_bar(RefdevState *s, int bar, hwaddr addr,
                                     unsigned size)
{
    uint64_t val;

    if (!refdev_mmio_read(s->func, bar, addr, size, &val)) {
        qemu_log_mask(LOG_GUEST_ERROR, "refdev: bad read bar%d+0x%" HWADDR_PRIx
                      " size %u\n", bar, addr, size);
    }
    return val;
}

static void refdev_mmio_write_bar(RefdevState *s, int bar, hwaddr addr,
                                  uint64_t val, unsigned size)
{
    if (!refdev_mmio_write(s->func, bar, addr, size, val)) {
        qemu_log_mask(LOG_GUEST_ERROR, "refdev: bad write bar%d+0x%" HWADDR_PRIx
                      " size %u\n", bar, addr, size);
    }
}

static uint64_t refdev_regs_read(void *opaque, hwaddr addr, unsigned size)
{
    return refdev_mmio_read_bar(opaque, REFDEV_BAR_REGS, addr, size);
}

static void refdev_regs_write(void *opaque, hwaddr addr, uint64_t val,
                              unsigned size)
{
    refdev_mmio_write_bar(opaque, REFDEV_BAR_REGS, addr, val, size);
}

static uint64_t refdev_sram_read(void *opaque, hwaddr addr, unsigned size)
{
    return refdev_mmio_read_bar(opaque, REFDEV_BAR_SRAM, addr, size);
}

static void refdev_sram_write(void *opaque, hwaddr addr, uint64_t val,
                              unsigned size)
{
    refdev_mmio_write_bar(opaque, REFDEV_BAR_SRAM, addr, val, size);
}

static const MemoryRegionOps refdev_regs_ops = {
    .read = refdev_regs_read,
    .write = refdev_regs_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

static const MemoryRegionOps refdev_sram_ops = {
    .read = refdev_sram_read,
    .write = refdev_sram_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

static void refdev_init_pm(PCIDevice *pdev, Error **errp)
{
    int off = pci_add_capability(pdev, PCI_CAP_ID_PM, REFDEV_CAP_PM_OFFSET,
                                 PCI_PM_SIZEOF, errp);

    if (off < 0) {
        return;
    }
    pci_set_word(pdev->config + off + PCI_PM_PMC, PCI_PM_CAP_VER_1_2);
    /* No_Soft_Reset: D3hot->D0 keeps state, so Linux will not use PM reset. */
    pci_set_word(pdev->config + off + PCI_PM_CTRL, PCI_PM_CTRL_NO_SOFT_RESET);
    pci_set_word(pdev->wmask + off + PCI_PM_CTRL, PCI_PM_CTRL_STATE_MASK);
}

/* BAR0 (registers + MSI-X) and BAR2 (SRAM), common to PF and VF. */
static bool refdev_init_bars(RefdevState *s, Error **errp)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    unsigned vectors = s->func->msix_vectors;

    memory_region_init(&s->bar0, OBJECT(s), "refdev-bar0", REFDEV_BAR_REGS_SIZE);
    memory_region_init_io(&s->regs, OBJECT(s), &refdev_regs_ops, s,
                          "refdev-regs", REFDEV_REGS_WINDOW);
    memory_region_add_subregion(&s->bar0, 0, &s->regs);
    memory_region_init_io(&s->sram, OBJECT(s), &refdev_sram_ops, s,
                          "refdev-sram", REFDEV_BAR_SRAM_SIZE);

    if (pci_is_vf(pdev)) {
        refdev_vf_register_bar(pdev, REFDEV_BAR_REGS,
                               PCI_BASE_ADDRESS_SPACE_MEMORY |
                               PCI_BASE_ADDRESS_MEM_TYPE_64, &s->bar0);
        refdev_vf_register_bar(pdev, REFDEV_BAR_SRAM,
                               PCI_BASE_ADDRESS_SPACE_MEMORY, &s->sram);
    } else {
        pci_register_bar(pdev, REFDEV_BAR_REGS, PCI_BASE_ADDRESS_SPACE_MEMORY |
                         PCI_BASE_ADDRESS_MEM_TYPE_64, &s->bar0);
        pci_register_bar(pdev, REFDEV_BAR_SRAM, PCI_BASE_ADDRESS_SPACE_MEMORY,
                         &s->sram);
    }

    if (msix_init(pdev, vectors, &s->bar0, REFDEV_BAR_REGS,
                  REFDEV_MSIX_TABLE_OFFSET, &s->bar0, REFDEV_BAR_REGS,
                  REFDEV_MSIX_PBA_OFFSET, REFDEV_CAP_MSIX_OFFSET, errp) < 0) {
        return false;
    }
    for (unsigned i = 0; i < vectors; i++) {
        msix_vector_use(pdev, i);
    }
    return true;
}

static bool refdev_init_common(RefdevState *s, Error **errp)
{
    PCIDevice *pdev = PCI_DEVICE(s);

    pci_config_set_class(pdev->config, REFDEV_PCI_CLASS >> 8);
    pci_config_set_revision(pdev->config, REFDEV_PCI_REVISION);
    pdev->config[PCI_INTERRUPT_PIN] = 0;   /* MSI-X only (DEV-IRQ-001) */

    /*
     * DEV-CAP-005: the model is ready for config requests as soon as a
     * reset ends, so it may say so; Linux then skips its 100 ms FLR wait.
     */
    if (s->imm_ready) {
        pci_word_test_and_set_mask(pdev->config + PCI_STATUS,
                                   PCI_STATUS_IMM_READY);
    }
    /*
     * DEV-CAP-006: a VF without the PM capability stays in D0, so Linux
     * never puts it into D3hot around a vfio-pci open (10 ms each way).
     */
    if (!pci_is_vf(pdev) || s->vf_pm) {
        refdev_init_pm(pdev, errp);
        if (*errp) {
            return false;
        }
    }
    if (pcie_endpoint_cap_init(pdev, REFDEV_CAP_EXP_OFFSET) < 0) {
        error_setg(errp, "refdev: cannot add the PCIe capability");
        return false;
    }
    pcie_cap_flr_init(pdev);
    pcie_cap_deverr_init(pdev);
    refdev_ari_init(pdev, REFDEV_EXT_ARI_OFFSET);
    return refdev_init_bars(s, errp);
}

static void refdev_sriov_sync(void *opaque);

static void refdev_pf_free(RefdevState *s)
{
    if (s->sriov_bh) {
        qemu_bh_delete(s->sriov_bh);
    }
    qemu_bh_delete(s->bh);
    timer_free(s->timer);
    refdev_dev_fini(s->dev);
    g_free(s->dev);
    s->dev = NULL;
    s->func = NULL;
}

static void refdev_pf_realize(PCIDevice *pdev, Error **errp)
{
    ERRP_GUARD();
    RefdevState *s = REFDEV_BASE(pdev);

    if (s->total_vfs < 1 || s->total_vfs > REFDEV_MAX_VFS) {
        error_setg(errp, "refdev: total-vfs must be 1..%d", REFDEV_MAX_VFS);
        return;
    }
    s->dev = g_malloc0(sizeof(*s->dev));
    refdev_dev_init(s->dev, &refdev_core_ops, s, s->total_vfs);
    if (s->vf_mem_size > UINT32_MAX ||
        !refdev_dev_set_mem_size(s->dev, (uint32_t)s->vf_mem_size)) {
        error_setg(errp, "refdev: vf-mem-size must be a multiple of 4 KiB "
                   "up to %u MiB", REFDEV_MEM_MAX_SIZE >> 20);
        refdev_dev_fini(s->dev);
        g_free(s->dev);
        s->dev = NULL;
        return;
    }
    refdev_dev_set_aq_sync(s->dev, s->aq_sync);
    s->func = &s->dev->pf;
    s->bh = qemu_bh_new_guarded(refdev_bh, s,
                                &DEVICE(s)->mem_reentrancy_guard);
    s->timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, refdev_timer_cb, s);
    if (!REFDEV_PERSISTENT_VFS) {
        s->sriov_bh = qemu_bh_new(refdev_sriov_sync, s);
    }
    pci_config_set_vendor_id(pdev->config, s->vendor_id);
    pci_config_set_device_id(pdev->config, s->device_id);
    pci_set_word(pdev->config + PCI_SUBSYSTEM_VENDOR_ID, s->vendor_id);
    pci_set_word(pdev->config + PCI_SUBSYSTEM_ID, s->device_id);
    if (!refdev_arm_fault_prop(s, errp) || !refdev_init_common(s, errp)) {
        refdev_pf_free(s);      /* exit is not called after a failed realize */
        return;
    }

    if (!refdev_sriov_pf_init(pdev, REFDEV_EXT_SRIOV_OFFSET, TYPE_REFDEV_VF,
                              s->vf_device_id, s->total_vfs,
                              REFDEV_VF_OFFSET, REFDEV_VF_STRIDE, errp)) {
        msix_uninit(pdev, &s->bar0, &s->bar0);
        refdev_pf_free(s);
        return;
    }
    pcie_sriov_pf_init_vf_bar(pdev, REFDEV_BAR_REGS,
                              PCI_BASE_ADDRESS_SPACE_MEMORY |
                              PCI_BASE_ADDRESS_MEM_TYPE_64,
                              REFDEV_BAR_REGS_SIZE);
    pcie_sriov_pf_init_vf_bar(pdev, REFDEV_BAR_SRAM,
                              PCI_BASE_ADDRESS_SPACE_MEMORY,
                              REFDEV_BAR_SRAM_SIZE);
}

static void refdev_vf_realize(PCIDevice *pdev, Error **errp)
{
    ERRP_GUARD();
    RefdevState *s = REFDEV_BASE(pdev);
    RefdevState *pf;

    if (!pci_is_vf(pdev)) {
        error_setg(errp, "refdev-vf is created by its PF's SR-IOV capability");
        return;
    }
    pf = REFDEV_BASE(pcie_sriov_get_pf(pdev));
    s->dev = pf->dev;
    s->vf_index = pcie_sriov_vf_number(pdev);
    s->imm_ready = pf->imm_ready;
    s->vf_pm = pf->vf_pm;
    s->func = refdev_dev_vf_attach(s->dev, s->vf_index, s);
    if (!s->func) {
        error_setg(errp, "refdev-vf: VF %u has no slot", s->vf_index);
        return;
    }
    s->attached = true;
    pci_set_word(pdev->config + PCI_SUBSYSTEM_VENDOR_ID, pf->vendor_id);
    pci_set_word(pdev->config + PCI_SUBSYSTEM_ID, pf->vf_device_id);
    if (!refdev_init_common(s, errp)) {
        return;
    }
    if (REFDEV_PERSISTENT_VFS) {
        /* realized with its PF, disabled until VF Enable (DEV-SRIOV-004) */
        refdev_dev_vf_detach(s->dev, s->vf_index);
        s->attached = false;
    }
}

static void refdev_exit(PCIDevice *pdev)
{
    RefdevState *s = REFDEV_BASE(pdev);

    if (pci_is_vf(pdev)) {
        msix_uninit(pdev, &s->bar0, &s->bar0);
        refdev_dev_vf_detach(s->dev, s->vf_index);
        return;
    }
    pcie_sriov_pf_exit(pdev);   /* detaches every VF */
    msix_uninit(pdev, &s->bar0, &s->bar0);
    refdev_pf_free(s);
}

#if REFDEV_PERSISTENT_VFS
/* QEMU's own PF reset (pcie_sriov_pf_reset) does what 7.2 lacked below. */
static void refdev_sriov_pf_reset(PCIDevice *pdev)
{
}

static void refdev_sriov_sync(void *opaque)
{
}
#else
/*
 * A PF reset returns the whole SR-IOV capability to its reset values and
 * removes the VFs (DEV-RST-002). QEMU 7.2's own helper removes the VFs but
 * leaves VF Enable set; Linux then skips re-enabling them after the reset
 * and the VFs read all ones. This mirrors what later QEMU does, with one
 * difference: the VF objects are removed from a bottom half, because a
 * bus-wide reset (secondary bus reset) walks the bus's device list and
 * would step on a VF freed under it. Until then the VFs are detached from
 * the core (no DMA, no interrupts). Linux restores SR-IOV state after
 * the reset and waits 100 ms after setting VF Enable, Immediate Readiness
 * or not (sriov_restore_state), so the bottom half has long run by then.
 */
static void refdev_sriov_pf_reset(PCIDevice *pdev)
{
    RefdevState *s = REFDEV_BASE(pdev);
    uint16_t cap = pdev->exp.sriov_cap;

    if (!cap) {
        return;
    }
    pci_set_word(pdev->config + cap + PCI_SRIOV_CTRL, 0);
    pci_set_word(pdev->config + cap + PCI_SRIOV_NUM_VF, 0);
    pci_set_word(pdev->config + cap + PCI_SRIOV_SYS_PGSIZE, 0x1);
    for (int i = 0; i < PCI_ROM_SLOT; i++) {
        pci_set_long(pdev->config + cap + PCI_SRIOV_BAR + i * 4,
                     pdev->exp.sriov_pf.vf_bar_type[i]);
    }
    if (pcie_sriov_num_vfs(pdev)) {
        qemu_bh_schedule(s->sriov_bh);
    }
}

/*
 * Bring the VF objects in line with the SR-IOV capability after a reset:
 * remove the stale VFs, then create fresh ones if software has set VF
 * Enable again meanwhile (config writes see the stale VFs and do nothing).
 */
static void refdev_sriov_sync(void *opaque)
{
    PCIDevice *pdev = PCI_DEVICE(opaque);
    uint16_t cap = pdev->exp.sriov_cap;
    uint16_t ctrl = pci_get_word(pdev->config + cap + PCI_SRIOV_CTRL);
    uint16_t num = pci_get_word(pdev->config + cap + PCI_SRIOV_NUM_VF);

    if (!pcie_sriov_num_vfs(pdev)) {
        return;
    }
    /* pcie_sriov_pf_disable_vfs() acts only when VF Enable reads set */
    pci_set_word(pdev->config + cap + PCI_SRIOV_CTRL, ctrl | PCI_SRIOV_CTRL_VFE);
    pcie_sriov_pf_disable_vfs(pdev);
    pci_set_word(pdev->config + cap + PCI_SRIOV_CTRL, ctrl);
    pci_set_word(pdev->config + cap + PCI_SRIOV_NUM_VF, num);
    if (ctrl & PCI_SRIOV_CTRL_VFE) {
        pcie_sriov_config_write(pdev, cap + PCI_SRIOV_CTRL, ctrl, 2);
    }
}
#endif

/*
 * DEV-RST-001/003: a VF reset is its FLR. With QEMU 10's persistent VF
 * objects, the reset that comes with VF Enable turning a VF on or off is
 * its creation or removal for the core, as realize and exit are on 7.2.
 */
static void refdev_vf_reset(RefdevState *s, PCIDevice *pdev)
{
#if REFDEV_PERSISTENT_VFS
    if (pdev->enabled != s->attached) {
        if (pdev->enabled) {
            refdev_dev_vf_attach(s->dev, s->vf_index, s);
        } else {
            refdev_dev_vf_detach(s->dev, s->vf_index);
        }
        s->attached = pdev->enabled;
        return;
    }
#endif
    refdev_dev_vf_flr(s->dev, s->vf_index);
}

static void refdev_reset(DeviceState *dev)
{
    RefdevState *s = REFDEV_BASE(dev);
    PCIDevice *pdev = PCI_DEVICE(dev);

    if (pci_is_vf(pdev)) {
        refdev_vf_reset(s, pdev);
        return;
    }
    refdev_sriov_pf_reset(pdev);
    refdev_dev_pf_reset(s->dev);    /* DEV-AQ-006 */
    refdev_arm_fault_prop(s, &error_abort);  /* checked at realize */
}

static void refdev_write_config(PCIDevice *pdev, uint32_t addr, uint32_t val,
                                int len)
{
    pci_default_write_config(pdev, addr, val, len);
    pcie_cap_flr_write_config(pdev, addr, val, len);
}

static REFDEV_PROPERTY refdev_pf_properties[] = {
    DEFINE_PROP_UINT16("vendor-id", RefdevState, vendor_id,
                       REFDEV_PCI_VENDOR_ID),
    DEFINE_PROP_UINT16("device-id", RefdevState, device_id,
                       REFDEV_PCI_PF_DEVICE_ID),
    DEFINE_PROP_UINT16("vf-device-id", RefdevState, vf_device_id,
                       REFDEV_PCI_VF_DEVICE_ID),
    DEFINE_PROP_UINT16("total-vfs", RefdevState, total_vfs,
                       REFDEV_DEFAULT_TOTAL_VFS),
    DEFINE_PROP_STRING("fault", RefdevState, fault),
    DEFINE_PROP_BOOL("imm-ready", RefdevState, imm_ready, true),
    /* DEV-CAP-006: on gives the VFs the PF's PM capability */
    DEFINE_PROP_BOOL("vf-pm", RefdevState, vf_pm, false),
    /* DEV-AQ-018: off emulates a device that completes only later */
    DEFINE_PROP_BOOL("aq-sync", RefdevState, aq_sync, true),
    DEFINE_PROP_SIZE("vf-mem-size", RefdevState, vf_mem_size, 0),
    REFDEV_PROP_END
};

static const VMStateDescription refdev_vmstate = {
    .name = "refdev",
    .unmigratable = 1,
};

static void refdev_base_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    pc->exit = refdev_exit;
    pc->config_write = refdev_write_config;
    pc->class_id = REFDEV_PCI_CLASS >> 8;
    pc->revision = REFDEV_PCI_REVISION;
    refdev_set_reset(dc, refdev_reset);
    dc->vmsd = &refdev_vmstate;
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
}

static void refdev_pf_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    pc->realize = refdev_pf_realize;
    pc->vendor_id = REFDEV_PCI_VENDOR_ID;
    pc->device_id = REFDEV_PCI_PF_DEVICE_ID;
    dc->desc = "vfio-refdev reference SR-IOV device (PF)";
    device_class_set_props(dc, refdev_pf_properties);
}

static void refdev_vf_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    pc->realize = refdev_vf_realize;
    pc->vendor_id = REFDEV_PCI_VENDOR_ID;
    pc->device_id = REFDEV_PCI_VF_DEVICE_ID;
    dc->desc = "vfio-refdev reference SR-IOV device (VF)";
    dc->user_creatable = false;
}

static const TypeInfo refdev_types[] = {
    {
        .name = TYPE_REFDEV_BASE,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(RefdevState),
        .class_init = refdev_base_class_init,
        .abstract = true,
        .interfaces = (InterfaceInfo[]) {
            { INTERFACE_PCIE_DEVICE },
            { }
        },
    },
    {
        .name = TYPE_REFDEV,
        .parent = TYPE_REFDEV_BASE,
        .class_init = refdev_pf_class_init,
    },
    {
        .name = TYPE_REFDEV_VF,
        .parent = TYPE_REFDEV_BASE,
        .class_init = refdev_vf_class_init,
    },
};

DEFINE_TYPES(refdev_types)
