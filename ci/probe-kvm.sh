#!/usr/bin/env bash
# Print "kvm" if a real guest boot under KVM works on this host, else "tcg".
#   ci/probe-kvm.sh SERIES INITRAMFS
# A present /dev/kvm is not enough (a paravirtual KVM can create VMs yet fail
# or crawl on real kernels): boot the test kernel to /init under a hard
# timeout. The answer is cached per host boot.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

series=$1
initramfs=$2
cache=$REFDEV_CACHE/kvm-probe.$(cat /proc/sys/kernel/random/boot_id)
if [ -f "$cache" ]; then
	cat "$cache"
	exit 0
fi
mkdir -p "$REFDEV_CACHE"
answer=tcg
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	kdir=$(kenv KDIR "$series")
	log probe "probing KVM with a real boot (30 s limit)"
	tmp=$(mktemp -d)
	timeout --kill-after=5 30 "$BUILD_DIR/qemu-system-x86_64" \
		-machine q35 -accel kvm -cpu host -smp 1 -m 512 -nodefaults -display none -no-reboot \
		-L /usr/share/seabios -L /usr/share/qemu -serial "file:$tmp/console" \
		-kernel "$kdir/vmlinux" -initrd "$initramfs" \
		-append "console=ttyS0 panic=-1 refdev.scenario=probe" >"$tmp/qemu.log" 2>&1 || true
	if grep -q '\[init\] booted' "$tmp/console" 2>/dev/null; then
		answer=kvm
	else
		log probe "KVM unusable here: $(head -c 200 "$tmp/qemu.log" | tr '\n' ' ')"
	fi
	rm -rf "$tmp"
fi
echo "$answer" | tee "$cache"
