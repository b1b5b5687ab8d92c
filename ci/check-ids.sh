#!/usr/bin/env bash
# DEV-ID-006: no in-tree driver of the guest kernels binds refdev's PCI IDs.
# Resolves the exact modalias a refdev PF and VF present against each
# kernel's modules.alias (modprobe --resolve-alias), so class-code matches
# count too. Prints TAP-free lines and a verdict; exit 1 on a match.
#   ci/check-ids.sh SERIES...
set -euo pipefail
. "$(dirname "$0")/lib.sh"

regs=$REPO_ROOT/hw-model/include/refdev_regs.h
val() { awk -v n="$1" '$1 == "#define" && $2 == n { print $3 }' "$regs"; }

vendor=$(printf '%08X' "$(val REFDEV_PCI_VENDOR_ID)")
class=$(printf '%06X' "$(val REFDEV_PCI_CLASS)")
bc=${class:0:2} sc=${class:2:2} pi=${class:4:2}
rc=0
for series in "$@"; do
	kver=$(kenv KVER "$series") kdir=$(kenv KDIR "$series")
	[ -n "$kver" ] || die "kernel $series not fetched (ci/fetch-kernels.sh)"
	for name in REFDEV_PCI_PF_DEVICE_ID REFDEV_PCI_VF_DEVICE_ID; do
		dev=$(printf '%08X' "$(val $name)")
		alias="pci:v${vendor}d${dev}sv${vendor}sd${dev}bc${bc}sc${sc}i${pi}"
		match=$(modprobe -d "$kdir/root" -S "$kver" --resolve-alias "$alias" 2>/dev/null || true)
		if [ -n "$match" ]; then
			echo "check-ids: $series: $alias is bound by: $match" >&2
			rc=1
		else
			echo "check-ids: $series: no driver matches $alias"
		fi
	done
done
exit $rc
