# vfio-refdev top-level Makefile. README.md explains the targets.
#   make            build everything (QEMU with refdev, guest kernels, suite, images)
#   make certify    certify refdev's VF on the newest Debian guest, 7.3 (CERTIFY_KERNEL=; out/certify/)
#                   on QEMU 7.2, or 10.0 with QEMU=10.0 (QEMU_VERSION=10.0; out/certify-qemu10.0/)
#   make unit       host unit tests (device core, suite runner, the guest runner's panic watch)
#   make lint       SPEC IDs and test names against the code, mutant patches, shellcheck
#   make check      lint + unit + fuzz smoke + guest runs on Debian 7.3, 6.12, 6.1, a source-built kernel, QEMU 10.0
#   make kernel     build the kernel under test (KERNEL_SRC=<tree>, default Debian's linux-source-7.x)
#   make check-mutants  only the mutation matrix of make check (kill matrix: out/check/mutants/)
#   make bench      ratios measured side by side in one run (bench/README.md; out/bench/)
#   make soak       certify + migrate guests on every kernel, SOAK_ROUNDS times, QEMU under ASan
# Every target installs what it needs first (ci/install-deps.sh, as root).

SHELL := /bin/bash
export REFDEV_CACHE ?= /var/cache/vfio-refdev
export REPO_ROOT := $(CURDIR)
export BUILD_DIR := $(CURDIR)/build
OUT ?= $(CURDIR)/out
# Guest kernels: Debian's 7.3, 6.12 and 6.1 binaries, and "src", a kernel
# built from KERNEL_SRC (default: Debian's newest linux-source-7.x) with
# iommufd, the VFIO cdev and the kernel's bug detectors (ci/build-kernel.sh).
KERNELS ?= 7.3 6.12 6.1 src
# The guest of `make certify`: the newest Debian kernel unless chosen.
CERTIFY_KERNEL ?= 7.3
DEBIAN_KERNELS = $(filter-out src,$(KERNELS))
KERNEL_SRC ?=
VM_TIMEOUT ?= 900
# Guests that `make check` runs side by side: JOBS=N (ci/check-vm.sh reads
# it; default one per core, guest_jobs in ci/lib.sh).

# The QEMU refdev is built into: Debian's 7.2 (default) or 10.0
# (ci/build-qemu.sh). `make certify QEMU=10.0` is short for QEMU_VERSION=10.0.
ifeq ($(origin QEMU),command line)
QEMU_VERSION := $(QEMU)
endif
export QEMU_VERSION ?= 7.2
QEMU_BIN = $(if $(filter 7.2,$(1)),$(BUILD_DIR)/qemu-system-x86_64,$(BUILD_DIR)/qemu-$(1)/qemu-system-x86_64)
CERTIFY_OUT = $(OUT)/certify$(if $(filter-out 7.2,$(QEMU_VERSION)),-qemu$(QEMU_VERSION))

SUITE := $(BUILD_DIR)/conformance/vfio-conform
INITRAMFS = $(BUILD_DIR)/guest/initramfs-$(1).cpio.gz

.PHONY: all deps qemu qemu10 qemu-asan soak qtest kernels kernel drivers suite kselftests images unit fuzz-smoke fuzz coverage \
	check-ids check-suite-build check-deb deb lint certify check check-vm check-mutants bench clean help

all: qemu kernels images

help:
	@sed -n '2,12p' Makefile

deps:
	@bash ci/install-deps.sh

qemu: deps
	@bash ci/build-qemu.sh

# The second QEMU of make check (one certify guest runs on it).
qemu10: deps
	@QEMU_VERSION=10.0 bash ci/build-qemu.sh

# The same QEMU with ASan and UBSan (its own tree and cache key): the soak
# and make check's soak-* guests run on it.
qemu-asan: deps
	@nice -n 5 bash ci/build-qemu.sh --asan

# The QEMU glue end to end over qtest (hw-model/qemu/qtest_refdev.c).
# On QEMU_VERSION's build and on 10.0's (the glue's two sides).
qtest: qemu qemu10
	@$(MAKE) --no-print-directory -C hw-model qtest O=$(BUILD_DIR)/hw-model \
		QEMU=$(call QEMU_BIN,$(QEMU_VERSION))
	@$(if $(filter-out 10.0,$(QEMU_VERSION)),$(MAKE) --no-print-directory -C hw-model qtest \
		O=$(BUILD_DIR)/hw-model QEMU=$(call QEMU_BIN,10.0))

kernels: deps
	@$(if $(DEBIAN_KERNELS),bash ci/fetch-kernels.sh $(DEBIAN_KERNELS))
	@$(if $(filter src,$(KERNELS)),bash ci/build-kernel.sh $(KERNEL_SRC))

# The kernel under test from a source tree: make kernel KERNEL_SRC=/path
kernel: deps
	@bash ci/build-kernel.sh $(KERNEL_SRC)

suite: deps
	@$(MAKE) --no-print-directory -C conformance O=$(BUILD_DIR)/conformance

drivers: kernels
	@bash ci/build-drivers.sh $(KERNELS)

# The guest's own programs, static: refdev-dma, the guest-side example of
# driving a VF through VFIO, and refdev-migbench, the migration data path
# for make bench (variant driver), on libvfio; refdev-bench, in-guest round
# trips for make bench; mmio-race, MMIO reads of one VF while another's BARs
# remap (scenario mmio-race: the TCG fix of hw-model/qemu/patches/10.0/).
GUEST_CC = $(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -static
REFDEV_DMA := $(BUILD_DIR)/guest/refdev-dma
REFDEV_MIGBENCH := $(BUILD_DIR)/guest/refdev-migbench
REFDEV_BENCH := $(BUILD_DIR)/guest/refdev-bench
MMIO_RACE := $(BUILD_DIR)/guest/mmio-race
include libvfio/libvfio.mk
$(REFDEV_DMA): hw-model/guest/refdev-dma.c
$(REFDEV_MIGBENCH): bench/guest/refdev-migbench.c
$(REFDEV_DMA) $(REFDEV_MIGBENCH): hw-model/include/refdev_regs.h \
		conformance/include/uapi/linux/vfio.h $(LIBVFIO_SRCS) $(LIBVFIO_HDRS)
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(LIBVFIO_CPPFLAGS) -Ihw-model/include -o $@ $(filter %/$(notdir $@).c,$^) \
		$(LIBVFIO_SRCS) $(LIBVFIO_LDLIBS)
$(REFDEV_BENCH): bench/guest/refdev-bench.c hw-model/include/refdev_regs.h
	@mkdir -p $(dir $@)
	$(GUEST_CC) -Ihw-model/include -o $@ $<
$(MMIO_RACE): hw-model/guest/mmio-race.c
	@mkdir -p $(dir $@)
	$(GUEST_CC) -pthread -o $@ $<

# The kernel's own VFIO selftests (tools/testing/selftests/vfio of the newest
# linux-source, with our refdev driver plug-in: kselftests/vfio/), static, for
# the images of the kernels that have their uAPI (6.18 on: not 6.1, 6.12).
KSELFTESTS = $(wildcard $(BUILD_DIR)/kselftests/vfio_*)
KSELFTEST_KERNELS = $(filter-out 6.%,$(KERNELS))
kselftests: deps
	@bash ci/build-kselftests.sh

images: suite drivers $(REFDEV_DMA) $(REFDEV_BENCH) $(REFDEV_MIGBENCH) $(MMIO_RACE) $(if $(KSELFTEST_KERNELS),kselftests)
	@for k in $(KERNELS); do \
		ks=; case $$k in 6.*) ;; *) ks="$(KSELFTESTS)" ;; esac; \
		bash ci/build-initramfs.sh $$k $(call INITRAMFS,$$k) $(SUITE) \
			$(BUILD_DIR)/drivers/refdev-migrate $(REFDEV_DMA) $(REFDEV_BENCH) \
			$(REFDEV_MIGBENCH) $(MMIO_RACE) $$ks || exit 1; \
	done

# The device model's mutants are killed by its unit tests.
unit: deps
	@$(MAKE) --no-print-directory -C hw-model unit mutants O=$(BUILD_DIR)/hw-model
	@$(MAKE) --no-print-directory -C libvfio unit O=$(BUILD_DIR)/libvfio
	@$(MAKE) --no-print-directory -C conformance unit O=$(BUILD_DIR)/conformance
	@for t in expect run-vm soak check-vm; do bash ci/$$t-selftest.sh || exit 1; done

fuzz-smoke: deps
	@$(MAKE) --no-print-directory -C hw-model fuzz-smoke O=$(BUILD_DIR)/hw-model

fuzz: deps
	@$(MAKE) --no-print-directory -C hw-model fuzz O=$(BUILD_DIR)/hw-model

# Line coverage of the device core (host unit tests) and of the drivers
# (GCOV on the source-built guest kernel): HTML in out/coverage/html/.
coverage: qemu
	@$(MAKE) --no-print-directory images KERNELS=src
	@bash ci/coverage.sh $(OUT)/coverage

# SPEC.md against the code and the suite's test list (ci/check-spec-ids.sh),
# every mutant patch still applies (ci/mutants.sh), every shell script passes
# shellcheck (the guest's busybox /init as POSIX sh).
SHELL_SCRIPTS = $(shell git ls-files '*.sh' .ci/run)
lint: suite
	@bash ci/check-spec-ids.sh $(SUITE)
	@bash ci/mutants.sh check
	@bash ci/core-layers.sh
	@shellcheck -x -P SCRIPTDIR $(SHELL_SCRIPTS)
	@shellcheck -s sh fixtures/guest/init
	@echo "shellcheck: $(words $(SHELL_SCRIPTS)) scripts and fixtures/guest/init clean"

check-ids: kernels
	@bash ci/check-ids.sh $(DEBIAN_KERNELS)

# The mutation matrix alone (make check runs it among its guests): the suite
# against every mutant of driver-under-test/mutants/ and hw-model/mutants/ on
# the kernel where its feature exists (ci/mutant-runs.sh); the kill matrix in
# out/check/mutants/kill-matrix.txt.
check-mutants: all
	@bash ci/mutant-runs.sh prepare $(KERNELS)
	@CHECK_RUNS='*/mutants-* */hw-*' bash ci/check-vm.sh $(OUT)/check/mutants $(KERNELS)

# vfio-conform as a vendor builds it: a clean copy, built, installed and run
# as nobody (conformance/README.md, "Build and install").
check-suite-build: deps
	@bash ci/check-suite-build.sh

# The vfio-conform .deb (packaging/debian/): built as nobody, lintian clean,
# unpacked and run (ci/build-deb.sh); the package lands in out/deb/.
deb: deps
	@bash ci/build-deb.sh $(OUT)/deb

# ...and installed with dpkg -i into a fresh Debian 12 chroot and run there
# (ci/check-deb-chroot.sh; the debootstrap is cached in REFDEV_CACHE).
check-deb: deb
	@bash ci/check-deb-chroot.sh "$$(ls -t $(OUT)/deb/vfio-conform_*.deb | head -n 1)"

# The main job: one guest, the reference VF, the suite's verdicts.
certify: qemu
	@$(MAKE) --no-print-directory images KERNELS=$(CERTIFY_KERNEL)
	@bash ci/run-vm.sh --kernel $(CERTIFY_KERNEL) --initramfs $(call INITRAMFS,$(CERTIFY_KERNEL)) \
		--scenario certify --out $(CERTIFY_OUT) --timeout $(VM_TIMEOUT) || true
	@echo "$(CERTIFY_KERNEL)/certify$(if $(filter-out 7.2,$(QEMU_VERSION)),-qemu$(QEMU_VERSION))" > $(CERTIFY_OUT)/label
	@bash ci/verdict-table.sh $(CERTIFY_OUT)
	@bash ci/tap-harness.sh $(CERTIFY_OUT) > $(CERTIFY_OUT)/harness.txt; rc=$$?; \
		tail -n 1 $(CERTIFY_OUT)/harness.txt; exit $$rc

# Ratios side by side in one run, never a pass/fail on an absolute time.
bench: qemu
	@$(MAKE) --no-print-directory images KERNELS=$(CERTIFY_KERNEL)
	@bash bench/run.sh $(OUT)/bench $(CERTIFY_KERNEL)

# The soak (ci/soak.sh): freezes and QEMU crashes counted apart from test
# failures; the figures in out/soak/soak-summary.txt (README.md).
SOAK_ROUNDS ?= 3
soak: all qemu-asan
	@bash ci/soak.sh -r $(SOAK_ROUNDS) $(OUT)/soak $(KERNELS)

check-vm: all qemu-asan qemu10
	@bash ci/mutant-runs.sh prepare $(KERNELS)
	@bash ci/check-vm.sh $(OUT)/check $(KERNELS)

check: lint unit fuzz-smoke qtest check-ids check-suite-build check-deb check-vm

clean:
	rm -rf $(BUILD_DIR) $(OUT)
