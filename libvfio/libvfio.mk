# SPDX-License-Identifier: GPL-2.0-or-later OR MIT
# libvfio for a Makefile that links it (as the kernel's selftests/vfio
# lib/libvfio.mk): include this file, then compile $(LIBVFIO_SRCS) with
# $(LIBVFIO_CPPFLAGS) (libvfio and, for <linux/vfio.h>, the vendored 7.3
# uAPI headers) into your program.
LIBVFIO_DIR := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
LIBVFIO_SRCS := $(wildcard $(LIBVFIO_DIR)/*.c)
LIBVFIO_HDRS := $(wildcard $(LIBVFIO_DIR)/*.h)
LIBVFIO_CPPFLAGS := -I$(LIBVFIO_DIR) -I$(LIBVFIO_DIR)/../conformance/include/uapi
# ...and link $(LIBVFIO_LDLIBS) after it: libuuid (uuid-dev; the VF token's
# text form), static too (libuuid.a) for the guest tools.
LIBVFIO_LDLIBS := -luuid
