#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# ops-check.sh OUT SOURCE CC FLAGS: fail when an ops struct of the target
# kernel that vfio_pci_core calls through (struct vfio_device_ops, and
# struct vfio_pci_device_ops where the kernel has it) has a member that
# SOURCE's initializer neither sets nor names in REFDEV_OPS_UNSET. A NULL
# op compiles silently and may oops at run time (7.x: vfio_pci_core_match()
# calls ->match_token_uuid). Both sides are read from SOURCE preprocessed
# for this kernel, so the #ifdef REFDEV_HAVE_* choices are the module's.
out=$1 src=$2 cc=$3 flags=$4
# STRUCT=INITIALIZER[?]: "?" when older kernels lack the struct
PAIRS="vfio_device_ops=refdev_vfio_ops vfio_pci_device_ops=refdev_pci_ops?"
# shellcheck disable=SC2086
pp=$($cc $flags -E -P "$src" | tr '\n\t' '  ') || exit 1

# members STRUCT: the struct's members, one per line
struct_members() {
	printf '%s\n' "$pp" | sed -n "s/.*struct $1 {\([^}]*\)}.*/\1/p" |
		tr ';' '\n' | sed -n \
		-e 's/.*( *\* *\([A-Za-z_][A-Za-z0-9_]*\) *) *(.*/\1/p' \
		-e 't' -e 's/.*[^A-Za-z0-9_]\([A-Za-z_][A-Za-z0-9_]*\) *$/\1/p' | sort -u
}
# set_members INITIALIZER: the members SOURCE's initializer sets
set_members() {
	printf '%s\n' "$pp" | sed -n "s/.* $1 = {\([^}]*\)}.*/\1/p" |
		tr ',' '\n' | sed -n 's/^ *\.\([A-Za-z_][A-Za-z0-9_]*\) *=.*/\1/p' | sort -u
}
unset_members() {
	sed -n 's/^#define REFDEV_OPS_UNSET "\(.*\)"/\1/p' "$src" | tr ' ' '\n' | sed '/^$/d' | sort -u
}

: >"$out.tmp"
for pair in $PAIRS; do
	st=${pair%%=*} init=${pair#*=} optional=""
	case "$init" in *\?) init=${init%\?} optional=1 ;; esac
	have=$(struct_members "$st")
	if [ -z "$have" ]; then
		[ -n "$optional" ] && continue
		echo "ops-check: no struct $st in the headers of $src" >&2
		exit 1
	fi
	ours=$(set_members "$init")
	known=$(printf '%s\n%s\n' "$ours" "$(unset_members)" | sort -u)
	missing=""
	for m in $have; do
		printf '%s\n' "$known" | grep -qx "$m" || missing="$missing $m"
	done
	if [ -n "$missing" ]; then
		echo "error: $init leaves struct $st member(s)$missing NULL on this kernel:" >&2
		echo "  set them (a compat/ test when not every kernel has them) or add them," >&2
		echo "  with the reason, to REFDEV_OPS_UNSET in $src" >&2
		exit 1
	fi
	printf '%s: %s\n' "$st" "$(printf '%s\n' "$ours" | tr '\n' ' ')" >>"$out.tmp"
done
mv "$out.tmp" "$out"
