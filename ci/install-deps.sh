#!/usr/bin/env bash
# Install every Debian package vfio-refdev needs on the host, idempotently.
# Also enables deb-src for bookworm so that `apt-get source qemu` works.
# Guest kernels are NOT installed here: ci/fetch-kernels.sh downloads and unpacks them.
set -euo pipefail

log() { printf '[deps] %s\n' "$*"; }

PACKAGES=(
	# host toolchain and unit tests
	build-essential make gcc pkg-config git ca-certificates
	libcmocka-dev libpci-dev pciutils lcov
	# vfio-conform's certificate (jansson), JUnit (libxml2), UTF-8 repair
	libjansson-dev libxml2-dev libunistring-dev
	# make lint: shell scripts, mutant patches
	shellcheck patch
	# the certificate's JSON Schema check (ci/validate-certificates.sh)
	python3-jsonschema
	clang llvm libclang-rt-14-dev
	# QEMU 7.2 build (trimmed x86_64-softmmu)
	dpkg-dev meson ninja-build python3 libglib2.0-dev libpixman-1-dev
	libfdt-dev zlib1g-dev flex bison
	# QEMU 10.0 build (the same trimmed configure): its pyvenv (python3 >= 3.8
	# with venv; Debian 12 has 3.11) and what meson >= 1.5 needs to run. That
	# meson is bookworm-backports' 1.7, which ci/build-qemu.sh downloads through
	# its private apt configuration and unpacks, never installs; glib 2.74,
	# ninja 1.11 and gcc 12 of Debian 12 meet QEMU 10's minimums.
	python3-venv python3-setuptools
	# QEMU firmware (the +dfsg source has no blobs)
	seabios qemu-system-data
	# guest images
	busybox-static cpio gzip xz-utils zstd kmod file
	# out-of-tree modules and kernels built from source
	dwarves bc libelf-dev libssl-dev
	# the kernel's VFIO selftests, static (headers_install needs rsync)
	rsync uuid-dev
	# vfio-conform's Debian package (dpkg-buildpackage, lintian), its man
	# page check and the JUnit XSD check (xmllint)
	debhelper lintian man-db libxml2-utils debootstrap
)

SRC_LIST=/etc/apt/sources.list.d/vfio-refdev-src.sources

enable_deb_src() {
	if [ -f "$SRC_LIST" ]; then
		return 0
	fi
	log "enabling deb-src for bookworm ($SRC_LIST)"
	cat >"$SRC_LIST" <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	rm -f /var/lib/apt/vfio-refdev.updated
}

missing_packages() {
	local p
	for p in "${PACKAGES[@]}"; do
		case "$p" in \#*) continue ;; esac
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
			printf '%s\n' "$p"
	done
}

apt_update() {
	# Stale indexes make `apt-get source` and kernel resolution miss packages.
	local stamp=/var/lib/apt/vfio-refdev.updated
	if [ -f "$stamp" ] && [ -z "$(find "$stamp" -mmin +720)" ]; then
		return 0
	fi
	log "apt-get update (log: ${LOGDIR}/apt-update.log)"
	# Third-party lists on some images are unreachable; only Debian's matter.
	apt-get update >"${LOGDIR}/apt-update.log" 2>&1 || log "apt-get update reported errors (see log); continuing"
	touch "$stamp"
}

main() {
	if [ "$(id -u)" != 0 ]; then
		echo "install-deps: must run as root (apt-get install)" >&2
		exit 1
	fi
	LOGDIR=${LOGDIR:-${REFDEV_CACHE:-/var/cache/vfio-refdev}/logs}
	mkdir -p "$LOGDIR"
	enable_deb_src
	apt_update
	local missing
	missing=$(missing_packages | tr '\n' ' ')
	if [ -z "${missing// /}" ]; then
		log "all ${#PACKAGES[@]} packages present"
		return 0
	fi
	log "installing: $missing (log: ${LOGDIR}/apt-install.log)"
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing \
		>"${LOGDIR}/apt-install.log" 2>&1 || {
		tail -n 30 "${LOGDIR}/apt-install.log" >&2
		exit 1
	}
	log "done"
}

main "$@"
