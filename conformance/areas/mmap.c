// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * region/mmap-...: BAR regions mapped through the device fd, the data path
 * of every VMM (SPEC.md REQ-REGION-012..017).  Loads through a mapping are
 * compared with pread() of the same offset; stores only go to a register a
 * personality declares safe (scratch_direct).  A load that the kernel
 * revokes raises SIGBUS, caught here with sigsetjmp (each test runs in a
 * forked child).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "area_util.h"

#define MAX_AREAS	16
#define CMP_DWORDS	16	/* dwords compared at the start of an area */

struct area {
	uint32_t index;
	uint64_t off, size;	/* inside the region */
	uint64_t maplen;	/* size rounded up to pages */
	volatile uint8_t *va;
	struct vfio_region_info ri;
};

struct maps {
	unsigned int n;
	struct area a[MAX_AREAS];
};

static uint64_t page_up(uint64_t v)
{
	return (v + page_size() - 1) & ~(page_size() - 1);
}

static void *map_at(const struct vfio_dev *d, uint64_t off, uint64_t len)
{
	return mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd, (off_t)off);
}

/* ---- loads that may fault ---- */

static sigjmp_buf bus_env;

static void on_fault(int sig)
{
	siglongjmp(bus_env, sig);
}

/* 0, or the signal number (SIGBUS/SIGSEGV) the load raised */
static int load32(const volatile uint8_t *p, uint32_t *v)
{
	struct sigaction sa = { .sa_handler = on_fault }, obus, osegv;
	volatile int sig;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &obus);
	sigaction(SIGSEGV, &sa, &osegv);
	sig = sigsetjmp(bus_env, 1);
	if (!sig)
		*v = *(const volatile uint32_t *)p;
	sigaction(SIGBUS, &obus, NULL);
	sigaction(SIGSEGV, &osegv, NULL);
	return sig;
}

/* ---- mapping every mmap-able BAR area ---- */

/* The sparse areas of ri (malloc'ed info with chain), or NULL. */
static const struct vfio_region_info_cap_sparse_mmap *
sparse_of(const struct vfio_region_info *ri)
{
	if (!(ri->flags & VFIO_REGION_INFO_FLAG_CAPS))
		return NULL;
	return (const void *)vfio_cap_find(ri, ri->argsz, ri->cap_offset,
					   VFIO_REGION_INFO_CAP_SPARSE_MMAP);
}

static void add_area(struct maps *m, const struct vfio_region_info *ri, uint64_t off,
		     uint64_t size)
{
	struct area *a;

	if (!size || m->n == MAX_AREAS)
		return;
	a = &m->a[m->n++];
	a->index = ri->index;
	a->off = off;
	a->size = size;
	a->maplen = page_up(size);
	a->ri = *ri;
	a->ri.argsz = sizeof(a->ri);
}

/* The areas to map: a sparse capability's areas, else the whole region. */
static void collect_areas(struct vfio_dev *d, struct maps *m)
{
	const struct vfio_region_info_cap_sparse_mmap *sp;
	struct vfio_region_info *ri;
	uint32_t i, k;

	memset(m, 0, sizeof(*m));
	for (i = VFIO_PCI_BAR0_REGION_INDEX; i <= VFIO_PCI_BAR5_REGION_INDEX; i++) {
		conform_check_rc(__vfio_region_info_get(d->fd, i, &ri), "REGION_INFO(%u)", i);
		if ((ri->flags & VFIO_REGION_INFO_FLAG_MMAP) && ri->size) {
			sp = sparse_of(ri);
			if (!sp)
				add_area(m, ri, 0, ri->size);
			for (k = 0; sp && k < sp->nr_areas; k++)
				add_area(m, ri, sp->areas[k].offset, sp->areas[k].size);
		}
		free(ri);
	}
	if (!m->n)
		conform_skip("no BAR region sets VFIO_REGION_INFO_FLAG_MMAP (nothing to map)");
}

static void map_all(struct vfio_dev *d, struct maps *m)
{
	unsigned int i;
	void *va;

	collect_areas(d, m);
	for (i = 0; i < m->n; i++) {
		struct area *a = &m->a[i];

		va = map_at(d, a->ri.offset + a->off, a->maplen);
		conform_check(va != MAP_FAILED, "mmap of region %u [0x%llx+0x%llx] (MMAP flag "
			      "set): %s" VFIO_H("Region supports mmap"), a->index, (unsigned long long)a->off,
			      (unsigned long long)a->maplen, strerror(errno));
		a->va = va;
	}
}

static void unmap_all(struct maps *m)
{
	unsigned int i;

	for (i = 0; i < m->n; i++)
		if (m->a[i].va)
			munmap((void *)m->a[i].va, m->a[i].maplen);
}

/*
 * Load and pread of one dword agree.  A register that changes between two
 * preads (a counter, a status) proves nothing and is skipped: returns 1.
 */
static int compare_dword(struct vfio_dev *d, const struct area *a, uint64_t off)
{
	uint32_t before = 0, after = 0, mapped = 0;
	int sig;

	conform_check_rc(__vfio_region_read32(d->fd, &a->ri, a->off + off, &before),
			 "pread region %u+0x%llx", a->index,
			 (unsigned long long)(a->off + off));
	sig = load32(a->va + off, &mapped);
	conform_check(!sig, "load through the mapping of region %u+0x%llx: signal %d (%s)",
		      a->index, (unsigned long long)(a->off + off), sig, strsignal(sig));
	conform_check_rc(__vfio_region_read32(d->fd, &a->ri, a->off + off, &after),
			 "pread region %u+0x%llx", a->index,
			 (unsigned long long)(a->off + off));
	if (before != after)
		return 1;
	conform_check(mapped == before, "region %u+0x%llx: mapping reads 0x%08x, pread 0x%08x"
		      VFIO_H("Region offset from start of device fd"),
		      a->index, (unsigned long long)(a->off + off), mapped, before);
	return 0;
}

/* Compare the first dwords and the last one of an area; count compared. */
static unsigned int compare_area(struct vfio_dev *d, const struct area *a)
{
	unsigned int n = 0;
	uint64_t off;

	for (off = 0; off < a->size && off < CMP_DWORDS * 4; off += 4)
		n += !compare_dword(d, a, off);
	if (a->size >= 4 && a->size - 4 >= CMP_DWORDS * 4)
		n += !compare_dword(d, a, (a->size - 4) & ~3ull);
	return n;
}

/* ---- tests ---- */

static void test_mmap_bars(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct maps m;
	unsigned int i;

	map_all(d, &m);
	for (i = 0; i < m.n; i++)
		print_message("region %u: mapped [0x%llx+0x%llx]\n", m.a[i].index,
			      (unsigned long long)m.a[i].off, (unsigned long long)m.a[i].size);
	unmap_all(&m);
}

static void test_mmap_load_matches_pread(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	unsigned int i, n = 0;
	struct maps m;

	conform_check_rc(__vfio_dev_enable_memory(d), "enabling memory decode");
	map_all(d, &m);
	for (i = 0; i < m.n; i++)
		n += compare_area(d, &m.a[i]);
	print_message("%u dwords agree in %u mapped areas\n", n, m.n);
	conform_check(n > 0, "no stable dword to compare in %u mapped areas", m.n);
	unmap_all(&m);
}

/* The mapped area holding the personality's scratch register, or SKIP. */
static struct area *scratch_area(struct vfio_dev *d, struct pers_dev *p, struct maps *m,
				 uint64_t *off)
{
	const struct personality *o;
	unsigned int i;

	need_pers(d, p);
	o = p->ops;
	if (!o->scratch_direct)
		conform_skip("personality %s declares no register safe to store to", o->name);
	map_all(d, m);
	for (i = 0; i < m->n; i++)
		if (m->a[i].index == o->scratch_bar && o->scratch_off >= m->a[i].off &&
		    o->scratch_off + 4 <= m->a[i].off + m->a[i].size) {
			*off = o->scratch_off - m->a[i].off;
			return &m->a[i];
		}
	conform_skip("personality %s: scratch register BAR%u+0x%x is in no mmap-able area",
		     o->name, o->scratch_bar, o->scratch_off);
	return NULL;
}

static void test_mmap_store_matches_pwrite(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint32_t v = 0, old = 0;
	struct pers_dev p;
	struct area *a;
	struct maps m;
	uint64_t off = 0;

	a = scratch_area(d, &p, &m, &off);
	conform_check_rc(p.ops->scratch_read(&p, &old), "scratch read: %s", p.why);
	*(volatile uint32_t *)(a->va + off) = 0x6d6d6170;	/* "pamm" */
	conform_check_rc(__vfio_region_read32(d->fd, &a->ri, a->off + off, &v), "pread");
	conform_check(v == 0x6d6d6170, "store 0x6d6d6170 through the mapping, pread 0x%08x"
		      VFIO_H("Region offset from start of device fd"), v);
	conform_check_rc(__vfio_region_write32(d->fd, &a->ri, a->off + off, 0x70777269), "pwrite");
	v = *(volatile uint32_t *)(a->va + off);
	conform_check(v == 0x70777269, "pwrite 0x70777269, the mapping reads 0x%08x"
		      VFIO_H("Region offset from start of device fd"), v);
	conform_check_rc(p.ops->scratch_write(&p, old), "scratch restore: %s", p.why);
	unmap_all(&m);
}

/* Whether [off, off + len) of the fd meets a non-empty region other than skip. */
static bool meets_region(struct vfio_dev *d, uint64_t off, uint64_t len, uint32_t skip)
{
	struct vfio_region_info ri;
	uint32_t i;

	for (i = 0; i < d->info.num_regions; i++) {
		if (i == skip || __vfio_region_info_fixed(d->fd, i, &ri) || !ri.size)
			continue;
		if (off < ri.offset + ri.size && ri.offset < off + len)
			return true;
	}
	return false;
}

static void test_mmap_beyond_region(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct maps m;
	struct area *a;
	uint64_t len;
	void *va;

	collect_areas(d, &m);
	a = &m.a[0];
	len = page_up(a->ri.size);
	va = map_at(d, a->ri.offset, len + page_size());
	conform_check(va == MAP_FAILED, "mmap of region %u with one page more than its "
		      "size 0x%llx succeeded" VFIO_H("Region size (bytes)"), a->index, (unsigned long long)a->ri.size);
	if (meets_region(d, a->ri.offset + len, page_size(), a->index)) {
		print_message("region %u: another region follows it; end probe skipped\n",
			      a->index);
		return;
	}
	va = map_at(d, a->ri.offset + len, page_size());
	conform_check(va == MAP_FAILED, "mmap of the page after region %u (offset 0x%llx) "
		      "succeeded" VFIO_H("Region size (bytes)"), a->index, (unsigned long long)(a->ri.offset + len));
}

static void test_mmap_without_flag(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct vfio_region_info ri;
	unsigned int probed = 0;
	uint32_t i;
	void *va;

	for (i = 0; i < d->info.num_regions && i <= VFIO_PCI_CONFIG_REGION_INDEX; i++) {
		if (__vfio_region_info_fixed(d->fd, i, &ri) || (ri.flags & VFIO_REGION_INFO_FLAG_MMAP))
			continue;
		if (meets_region(d, ri.offset, page_size(), i) || ri.offset % page_size())
			continue;
		va = map_at(d, ri.offset, page_size());
		conform_check(va == MAP_FAILED, "mmap of region %u (flags 0x%x, no MMAP) "
			      "succeeded" VFIO_H("Region supports mmap"), i, ri.flags);
		probed++;
	}
	if (!probed)
		conform_skip("every region sets VFIO_REGION_INFO_FLAG_MMAP");
	print_message("%u regions without MMAP refuse mmap\n", probed);
}

/*
 * Clear Command.MEM, load through the first mapping of d, set it again and
 * check the mapping works; returns the signal the load raised (0: none).
 */
static int memory_disable_load(struct vfio_dev *d, const char *who)
{
	struct maps m;
	struct area *a;
	uint32_t v = 0;
	int sig;

	conform_check_rc(__vfio_dev_enable_memory(d), "%s: enabling memory decode", who);
	map_all(d, &m);
	a = &m.a[0];
	conform_check(!load32(a->va, &v), "%s: load with memory decode on faulted", who);
	set_memory(d, false);
	sig = load32(a->va, &v);
	set_memory(d, true);
	/* decode back on: the mapping works again (fails on a fault) */
	(void)compare_dword(d, a, 0);
	print_message("%s: load of region %u with Command.MEM clear: %s\n", who, a->index,
		      sig ? strsignal(sig) : "no fault");
	unmap_all(&m);
	return sig;
}

/*
 * The PF of the token topology, opened with the suite token in the VF's
 * container (the fixture put the PF's group there to set the token), or SKIP.
 */
static void open_pf(struct vfio_dev *vf, struct vfio_dev *pf)
{
	char err[VFIO_ERR_LEN] = "";
	int rc;

	if (!conform_use_token())
		conform_skip("SR-IOV VF: its memory decode is the PF's VF MSE, the VF's "
			     "Command.MEM does not gate it (the mapping stays valid); no PF on "
			     "vfio-pci given (--pf) to check instead");
	rc = __vfio_dev_open(pf, vf->ctr, conform_env.pf, conform_env.token, err, sizeof(err));
	conform_check(!rc, "opening PF %s: %s", conform_env.pf, err);
}

static void test_mmap_memory_disable(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct vfio_dev pf;
	char pfname[BDF_LEN];
	int sig;

	sig = memory_disable_load(d, d->bdf);
	if (!sig && !dev_is_mdev(d->bdf) && !sysfs_physfn(d->bdf, pfname, sizeof(pfname))) {
		/* a VF keeps its mappings (vfio-pci: no_command_memory): try the PF */
		open_pf(d, &pf);
		sig = memory_disable_load(&pf, conform_env.pf);
		vfio_dev_close(&pf);
		conform_check(sig == SIGBUS, "PF %s: load through a BAR mapping with Command.MEM "
			      "clear: %s, expected SIGBUS" PCI_REF("PCI Local Bus 6.2.2", "Memory Space 0 "
			      "disables the device response"), conform_env.pf,
			      sig ? strsignal(sig) : "no fault");
		return;
	}
	conform_check(sig == SIGBUS, "load through a BAR mapping with Command.MEM clear: %s, "
		      "expected SIGBUS" PCI_REF("PCI Local Bus 6.2.2", "Memory Space 0 disables the "
		      "device response"), sig ? strsignal(sig) : "no fault");
}

static void test_mmap_after_reset(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct pers_dev p;
	struct maps m;
	struct area *a = NULL;
	uint64_t off = 0;
	uint32_t v = 0;
	int rc;

	need_reset_flag(d);
	conform_check_rc(__vfio_dev_enable_memory(d), "enabling memory decode");
	if (!pers_find(d, &p) && p.ops->scratch_direct) {
		a = scratch_area(d, &p, &m, &off);
		*(volatile uint32_t *)(a->va + off) = 0x72737420;
	} else {
		map_all(d, &m);
	}
	rc = ioctl(d->fd, VFIO_DEVICE_RESET) ? -errno : 0;
	conform_check(!rc, "VFIO_DEVICE_RESET: %s", errname(rc));
	conform_check_rc(__vfio_dev_enable_memory(d), "enabling memory decode after reset");
	conform_check(compare_area(d, a ? a : &m.a[0]) > 0,
		      "no stable dword to compare in region %u after the reset"
		      VFIO_H("Reset a device."), (a ? a : &m.a[0])->index);
	if (a) {
		conform_check(!load32(a->va + off, &v), "scratch load after reset faulted");
		conform_check(v == p.ops->scratch_reset_val, "scratch through the mapping "
			      "after reset 0x%08x, expected the reset value 0x%08x"
			      VFIO_H("Reset a device."), v,
			      p.ops->scratch_reset_val);
	}
	unmap_all(&m);
}

static const struct conform_test tests[] = {
	{ "region/mmap-bars-map", { "REQ-REGION-012" }, test_mmap_bars, 0, 0 },
	{ "region/mmap-load-matches-pread", { "REQ-REGION-013" },
	  test_mmap_load_matches_pread, 0, 0 },
	{ "region/mmap-store-matches-pwrite", { "REQ-REGION-013" },
	  test_mmap_store_matches_pwrite, 0, 0 },
	{ "region/mmap-beyond-region-rejected", { "REQ-REGION-014" },
	  test_mmap_beyond_region, 0, 0 },
	{ "region/mmap-without-flag-rejected", { "REQ-REGION-015" },
	  test_mmap_without_flag, 0, 0 },
	{ "region/mmap-memory-disable-faults", { "REQ-REGION-016" },
	  test_mmap_memory_disable, 0, 0 },
	{ "region/mmap-works-after-reset", { "REQ-REGION-017" }, test_mmap_after_reset, 0, 0 },
};

CONFORM_AREA(conform_area_region_mmap, "region", tests, 210);
