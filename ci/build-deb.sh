#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later OR MIT
#
# The vfio-conform Debian package (packaging/debian/, issue 14 item 1):
# a copy of the tracked files the suite builds from, with packaging/debian
# as debian/, built with `dpkg-buildpackage -b -us -uc` as nobody (when
# run as root; Rules-Requires-Root: no), checked with lintian (errors and
# warnings fail), then unpacked (dpkg -x) and run: --version, --list, and
# its man page rendered by man -l.
#   ci/build-deb.sh [OUTDIR]     (default out/deb: the .deb, lintian.txt)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
AS_USER_LC=C.UTF-8

repo=$(cd "$(dirname "$0")/.." && pwd)
outdir=${1:-$repo/out/deb}
fail() { printf 'build-deb: FAIL: %s\n' "$*" >&2; exit 1; }

version=$(sed -n '1s/^vfio-conform (\([^)]*\)).*/\1/p' "$repo/packaging/debian/changelog")
suite=$(sed -n 's/^#define SUITE_VERSION[[:space:]]*"\(.*\)"/\1/p' "$repo/conformance/src/conform.h")
[ "$version" = "$suite" ] ||
	fail "packaging/debian/changelog is $version, SUITE_VERSION is $suite: add a changelog entry"

tmp=$(mktemp -d /tmp/build-deb.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
src=$tmp/vfio-conform-$version
mkdir "$src"
git -C "$repo" ls-files -z -- conformance libvfio SPEC.md hw-model/include packaging/debian |
	(cd "$repo" && tar --null -T - -cf -) | tar -xf - -C "$src"
mv "$src/packaging/debian" "$src/debian"
rmdir "$src/packaging"

(cd "$src" && as_user "$tmp" dpkg-buildpackage -b -us -uc) >"$tmp/build.log" 2>&1 ||
	{ tail -n 40 "$tmp/build.log" >&2; fail "dpkg-buildpackage -b -us -uc"; }
deb=$(echo "$tmp"/vfio-conform_"$version"_*.deb)
[ -f "$deb" ] || fail "no .deb built"

mkdir -p "$outdir"
cp "$deb" "$outdir/"
as_user "$tmp" lintian --fail-on error,warning --info "$tmp"/vfio-conform_"$version"_*.changes \
	>"$outdir/lintian.txt" 2>&1 || { cat "$outdir/lintian.txt" >&2; fail "lintian"; }

mkdir "$tmp/x"
dpkg -x "$deb" "$tmp/x"
bin=$tmp/x/usr/bin/vfio-conform
ver=$("$bin" --version)
[ "$ver" = "vfio-conform $version ($version)" ] || fail "--version of the package: '$ver'"
ntests=$("$bin" --list | wc -l)
[ "$ntests" -gt 0 ] || fail "--list printed no test"
for f in usr/share/man/man1/vfio-conform.1.gz usr/share/doc/vfio-conform/copyright \
	usr/share/vfio-conform/schema/certificate.schema.json \
	usr/share/vfio-conform/schema/junit-10.xsd; do
	[ -f "$tmp/x/$f" ] || fail "package lacks /$f"
done
man -l "$tmp/x/usr/share/man/man1/vfio-conform.1.gz" 2>&1 | grep -q '^EXIT STATUS' ||
	fail "man -l of the packaged page has no EXIT STATUS section"

echo "build-deb: $(basename "$deb"), lintian clean, --list $ntests tests, -> $outdir"
