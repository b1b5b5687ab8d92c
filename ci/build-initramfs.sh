#!/usr/bin/env bash
# Build the guest initramfs for one kernel:
#   ci/build-initramfs.sh SERIES OUT.cpio.gz [BINARY|MODULE.ko]...
# SERIES is 6.1 or 6.12 (resolved through $BUILD_DIR/kernels.env). The image
# holds busybox-static, the VFIO modules of that kernel in dependency order,
# the given test binaries with their shared libraries, our driver modules
# built for that kernel ($BUILD_DIR/drivers/<kver>/*.ko, if built; stripped
# of debug info) in /lib/modules/extra/, fixtures/guest/init, and the
# expected certificates fixtures/expected/*.cert.json in /etc/vfio-conform/.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# Modules the guest loads, by name; dependencies are resolved by modprobe.
# vfio_iommu_type1 is only a soft dependency of vfio: named explicitly.
GUEST_MODULES=(vfio vfio_iommu_type1 vfio_pci_core vfio_pci pci_pf_stub)
# Taken when the kernel has them (the source-built one): mtty, the kernel's
# sample mediated device, for the suite's mdev-by-UUID path.
OPTIONAL_MODULES=(mtty)

[ $# -ge 2 ] || die "usage: $0 SERIES OUT.cpio.gz [BINARY...]"
series=$1
out=$2
shift 2

[ -f "$BUILD_DIR/kernels.env" ] || die "no $BUILD_DIR/kernels.env: run ci/fetch-kernels.sh"
kver=$(kenv KVER "$series") kdir=$(kenv KDIR "$series")
[ -n "$kver" ] || die "kernel series $series not fetched"
kroot=$kdir/root

stage=$(mktemp -d "${TMPDIR:-/tmp}/refdev-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT

add_busybox() {
	mkdir -p "$stage"/{bin,sbin,dev,proc,sys,tmp,run,etc,lib/modules}
	cp /bin/busybox "$stage/bin/busybox"
	local applet
	for applet in $(/bin/busybox --list); do
		[ -e "$stage/bin/$applet" ] || ln -s busybox "$stage/bin/$applet"
	done
}

# add_module_file SRC: copy (decompressing .ko.xz/.ko.zst) into lib/modules/,
# append to modules.order once.
add_module_file() {
	local src=$1 rel dst
	rel=${src#"$kroot/lib/modules/$kver/"}
	rel=${rel%.xz}
	rel=${rel%.zst}
	dst=$stage/lib/modules/$rel
	grep -qx "$rel" "$stage/lib/modules/modules.order" 2>/dev/null && return 0
	mkdir -p "$(dirname "$dst")"
	case "$src" in
	*.xz) xz -dc "$src" >"$dst" ;;
	*.zst) zstd -dcq "$src" >"$dst" ;;
	*) cp "$src" "$dst" ;;
	esac
	echo "$rel" >>"$stage/lib/modules/modules.order"
}

add_modules() {
	: >"$stage/lib/modules/modules.order"
	local m line
	for m in "${GUEST_MODULES[@]}"; do
		modprobe -d "$kroot" -S "$kver" --show-depends "$m" |
			while read -r line; do
				case "$line" in
				insmod\ *) add_module_file "$(echo "$line" | awk '{print $2}')" ;;
				builtin\ *) ;;
				*) die "unexpected modprobe output for $m: $line" ;;
				esac
			done
	done
	for m in "${OPTIONAL_MODULES[@]}"; do
		modprobe -d "$kroot" -S "$kver" --show-depends "$m" >/dev/null 2>&1 || continue
		modprobe -d "$kroot" -S "$kver" --show-depends "$m" | awk '$1 == "insmod" { print $2 }' |
			while read -r f; do add_module_file "$f"; done
	done
	log initramfs "$series: modules $(tr '\n' ' ' <"$stage/lib/modules/modules.order")"
}

# add_binary BIN: the binary in /bin, and what ldd lists (with the loader).
# A kernel module (*.ko) goes to /lib/modules/extra/ instead: /init loads
# those by name when a scenario asks for them.
add_binary() {
	local bin=$1 lib
	case "$bin" in
	*.ko)
		mkdir -p "$stage/lib/modules/extra"
		strip --strip-debug -o "$stage/lib/modules/extra/$(basename "$bin")" "$bin"
		return 0
		;;
	esac
	[ -x "$bin" ] || die "no such binary: $bin"
	cp "$bin" "$stage/bin/"
	for lib in $(ldd "$bin" 2>/dev/null | grep -o '/[^ ]*'); do
		mkdir -p "$stage$(dirname "$lib")"
		cp -L "$lib" "$stage$lib"
	done
}

main() {
	add_busybox
	add_modules
	local b
	for b in "$@"; do
		add_binary "$b"
	done
	for b in "$BUILD_DIR/drivers/$kver"/*.ko; do
		[ -e "$b" ] && add_binary "$b"
	done
	cp "$REPO_ROOT/fixtures/guest/init" "$stage/init"
	chmod +x "$stage/init"
	# the PCI ID database libpci reads for vfio-conform's device names
	if [ -f /usr/share/misc/pci.ids ]; then
		mkdir -p "$stage/usr/share/misc"
		cp /usr/share/misc/pci.ids "$stage/usr/share/misc/"
	fi
	# docs/tutorial.md's steps for the tutorial scenario
	bash "$REPO_ROOT/ci/tutorial.sh" "$stage/etc/tutorial"
	# expected certificates of foreign implementations: the guest's
	# vfio-conform --baseline (fixtures/expected/README.md)
	mkdir -p "$stage/etc/vfio-conform/expected"
	for b in "$REPO_ROOT"/fixtures/expected/*.cert.json; do
		[ -e "$b" ] && cp "$b" "$stage/etc/vfio-conform/expected/"
	done
	mkdir -p "$(dirname "$out")"
	(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -9n) >"$out.tmp"
	mv "$out.tmp" "$out"
	log initramfs "$series: $(basename "$out") $(du -k "$out" | cut -f1) KiB for $kver"
}

main "$@"
