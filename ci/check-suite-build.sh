#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later OR MIT
#
# vfio-conform as a vendor gets it (issue 14, item 1): the suite's files
# copied out of the checkout into an empty directory (what a clone or a
# release tarball holds: no build/, no .git), built, installed with
# PREFIX/DESTDIR and run, all as an unprivileged user (nobody when run as
# root). Checks that the binary links only the libraries
# conformance/README.md lists, that `make install` lays out exactly the
# documented files, and that the man page covers every option of --help
# and renders without groff warnings.
#   ci/check-suite-build.sh [REPO]      (default: the checkout it lives in)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

repo=${1:-$(cd "$(dirname "$0")/.." && pwd)}
# Documented in conformance/README.md ("Build and unit tests").
NEEDED_LIBS="libc.so.6 libjansson.so.4 libpci.so.3 libunistring.so.2 libuuid.so.1 libxml2.so.2"

fail() { printf 'check-suite-build: FAIL: %s\n' "$*" >&2; exit 1; }

tmp=$(mktemp -d /tmp/suite-build.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/src"
# Tracked files with their working-tree contents, nothing generated.
git -C "$repo" ls-files -z -- conformance libvfio SPEC.md hw-model/include |
	(cd "$repo" && tar --null -T - -cf -) | tar -xf - -C "$tmp/src"

as_user "$tmp" make -s -C "$tmp/src/conformance" O="$tmp/build" >"$tmp/build.log" 2>&1 ||
	{ cat "$tmp/build.log" >&2; fail "make -C conformance as $(as_user "$tmp" id -un)"; }
as_user "$tmp" make -s -C "$tmp/src/conformance" O="$tmp/build" install \
	PREFIX=/usr/local DESTDIR="$tmp/root" >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log" >&2; fail "make install"; }

want="usr/local/bin/vfio-conform
usr/local/share/doc/vfio-conform/README.md
usr/local/share/man/man1/vfio-conform.1
usr/local/share/vfio-conform/schema/certificate.schema.json
usr/local/share/vfio-conform/schema/junit-10.xsd"
got=$(cd "$tmp/root" && find . -type f | sed 's|^\./||' | sort)
[ "$got" = "$want" ] || fail "installed files differ from the documented list:
$(diff <(echo "$want") <(echo "$got") || true)"

bin=$tmp/root/usr/local/bin/vfio-conform
needed=$(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | tr '\n' ' ')
[ "$needed" = "$NEEDED_LIBS " ] ||
	fail "vfio-conform links '$needed', conformance/README.md documents '$NEEDED_LIBS'"

ver=$(as_user "$tmp" "$bin" --version)
[[ $ver =~ ^vfio-conform\ [0-9]+\.[0-9]+\.[0-9]+\ \(unknown\)$ ]] ||
	fail "--version outside a git tree: '$ver'"
ntests=$(as_user "$tmp" "$bin" --list | wc -l)
[ "$ntests" -gt 0 ] || fail "--list printed no test"

# The man page documents every option --help has, and no other.
man=$tmp/root/usr/local/share/man/man1/vfio-conform.1
opts_help=$(as_user "$tmp" "$bin" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u)
opts_man=$(grep -oE -- '\\-\\-[a-z][a-z-]*' "$man" | sed 's/\\//g' | sort -u)
[ "$opts_help" = "$opts_man" ] || fail "options of --help and vfio-conform.1 differ:
$(diff <(echo "$opts_help") <(echo "$opts_man") || true)"
warn=$(groff -man -Tutf8 -ww -z "$man" 2>&1)
[ -z "$warn" ] || fail "groff warnings in vfio-conform.1: $warn"

echo "check-suite-build: built, installed and ran as $(as_user "$tmp" id -un) ($ntests tests, links ${needed% })"
