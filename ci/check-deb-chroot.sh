#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later OR MIT
#
# The vfio-conform .deb installed into a fresh Debian 12 chroot (minbase,
# debootstrap from deb.debian.org, cached as a tarball under
# $REFDEV_CACHE/chroot/) with dpkg -i, its dependencies resolved there (what
# minbase lacks, libpci3 and pci.ids, libjansson4, libxml2 and its ICU, by
# apt-get -f install), then
# `vfio-conform --version` and `--list` run inside. Root only (chroot).
# Run by `make check-deb` (make check): ~10 s with the cached chroot, ~90 s
# the first time (debootstrap).
#   ci/check-deb-chroot.sh DEB
set -euo pipefail
deb=${1:?usage: check-deb-chroot.sh DEB}
cache=${REFDEV_CACHE:-/var/cache/vfio-refdev}/chroot
tarball=$cache/bookworm-minbase.tar
fail() { printf 'check-deb-chroot: FAIL: %s\n' "$*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || fail "needs root (chroot)"
command -v debootstrap >/dev/null || fail "no debootstrap (apt-get install debootstrap)"

tmp=$(mktemp -d /tmp/deb-chroot.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
if [ ! -f "$tarball" ]; then
	mkdir -p "$cache"
	debootstrap --variant=minbase bookworm "$tmp/root" http://deb.debian.org/debian \
		>"$tmp/debootstrap.log" 2>&1 || { tail -n 20 "$tmp/debootstrap.log" >&2; fail debootstrap; }
	tar -C "$tmp/root" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
else
	mkdir "$tmp/root"
	tar -C "$tmp/root" -xf "$tarball"
fi
cp "$deb" "$tmp/root/tmp/"
name=$(basename "$deb")
# The package's libraries beyond minbase (libpci3 and its pci.ids,
# libjansson4, libxml2 with libicu72) come
# from the archive, as apt would bring them: dpkg -i, then apt-get -f.
cp /etc/resolv.conf "$tmp/root/etc/resolv.conf" 2>/dev/null || true
if ! chroot "$tmp/root" dpkg -i "/tmp/$name" >"$tmp/dpkg.log" 2>&1; then
	{ chroot "$tmp/root" apt-get update &&
		chroot "$tmp/root" env DEBIAN_FRONTEND=noninteractive apt-get -f -y \
			--no-install-recommends install; } >>"$tmp/dpkg.log" 2>&1 ||
		{ cat "$tmp/dpkg.log" >&2; fail "dpkg -i $name + apt-get -f install in a fresh bookworm chroot"; }
fi
chroot "$tmp/root" dpkg -s vfio-conform 2>/dev/null | grep -q '^Status: install ok installed' ||
	{ cat "$tmp/dpkg.log" >&2; fail "vfio-conform not installed in the chroot"; }
ver=$(chroot "$tmp/root" vfio-conform --version)
n=$(chroot "$tmp/root" vfio-conform --list | wc -l)
[ "$n" -gt 0 ] || fail "--list printed no test"
chroot "$tmp/root" test -f /usr/share/man/man1/vfio-conform.1.gz || fail "no man page installed"
echo "check-deb-chroot: $name installed in a fresh bookworm chroot: $ver, $n tests"
