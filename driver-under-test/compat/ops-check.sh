#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# ops-check.sh OUT SOURCE CC FLAGS: fail when the target kernel's
# struct vfio_device_ops has a member that SOURCE's refdev_vfio_ops neither
# sets nor names in REFDEV_OPS_UNSET. A NULL op compiles silently and may
# oops at run time (7.x: vfio_pci_core_match() calls ->match_token_uuid).
# Both sides are read from SOURCE preprocessed for this kernel, so the
# #ifdef REFDEV_HAVE_* choices are the ones the module is built with.
out=$1 src=$2 cc=$3 flags=$4
# shellcheck disable=SC2086
pp=$($cc $flags -E -P "$src" | tr '\n\t' '  ') || exit 1

# the struct's members, the initializer's, the reviewed list: one per line
struct_members() {
	printf '%s\n' "$pp" | sed -n 's/.*struct vfio_device_ops {\([^}]*\)}.*/\1/p' |
		tr ';' '\n' | sed -n \
		-e 's/.*( *\* *\([A-Za-z_][A-Za-z0-9_]*\) *) *(.*/\1/p' \
		-e 't' -e 's/.*[^A-Za-z0-9_]\([A-Za-z_][A-Za-z0-9_]*\) *$/\1/p' | sort -u
}
set_members() {
	printf '%s\n' "$pp" | sed -n 's/.*refdev_vfio_ops = {\([^}]*\)}.*/\1/p' |
		tr ',' '\n' | sed -n 's/^ *\.\([A-Za-z_][A-Za-z0-9_]*\) *=.*/\1/p' | sort -u
}
unset_members() {
	sed -n 's/^#define REFDEV_OPS_UNSET "\(.*\)"/\1/p' "$src" | tr ' ' '\n' | sed '/^$/d' | sort -u
}

have=$(struct_members)
[ -n "$have" ] || { echo "ops-check: no struct vfio_device_ops in the headers of $src" >&2; exit 1; }
ours=$(set_members)
[ -n "$ours" ] || { echo "ops-check: no refdev_vfio_ops initializer in $src" >&2; exit 1; }
known=$(printf '%s\n%s\n' "$ours" "$(unset_members)" | sort -u)
missing=""
for m in $have; do
	printf '%s\n' "$known" | grep -qx "$m" || missing="$missing $m"
done
if [ -n "$missing" ]; then
	echo "error: refdev_vfio_ops leaves vfio_device_ops member(s)$missing NULL on this kernel:" >&2
	echo "  set them (a compat/ test when not every kernel has them) or add them," >&2
	echo "  with the reason, to REFDEV_OPS_UNSET in $src" >&2
	exit 1
fi
printf '%s\n' "$ours" >"$out"
