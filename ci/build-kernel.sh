#!/usr/bin/env bash
# Build a guest kernel from a kernel tree, for the kernel-under-test runs.
#
#   ci/build-kernel.sh [KERNEL_SRC]
#
# Without KERNEL_SRC, Debian's linux-source-6.12 package is fetched and its
# tree used. Config: x86_64_defconfig + kvm_guest.config +
# fixtures/kernel/refdev-guest.config (VFIO + iommufd + cdev + detectors).
# Built out of tree in $REFDEV_CACHE/kbuild/<key>, the key being the tree's
# identity and the fragment's hash: an unchanged tree is not rebuilt.
# Adds KVER_src / KDIR_src to $BUILD_DIR/kernels.env (same layout as the
# Debian kernels: root/ with modules and modules.dep, vmlinux, headers).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

FRAGMENT=$REPO_ROOT/fixtures/kernel/refdev-guest.config
KBCACHE=$REFDEV_CACHE/kbuild
LOGDIR=$KBCACHE/logs
mkdir -p "$KBCACHE" "$LOGDIR" "$BUILD_DIR"

# debian_tree: unpack linux-source-6.12 once; prints the tree path.
debian_tree() {
	local dl=$KBCACHE/dl deb ver tree
	mkdir -p "$dl"
	deb=$(ls "$dl"/linux-source-6.12_*.deb 2>/dev/null | sort -V | tail -n 1 || true)
	if [ -z "$deb" ]; then
		log kernel "downloading linux-source-6.12"
		(cd "$dl" && run_logged "$LOGDIR/download.log" apt-get download linux-source-6.12)
		deb=$(ls "$dl"/linux-source-6.12_*.deb | sort -V | tail -n 1)
	fi
	ver=$(basename "$deb" | cut -d_ -f2)
	tree=$KBCACHE/src-$ver
	if [ ! -f "$tree/.unpacked" ]; then
		log kernel "unpacking linux-source-6.12 $ver"
		rm -rf "$tree" "$dl/x"
		dpkg -x "$deb" "$dl/x"
		mkdir -p "$tree"
		tar -xaf "$dl"/x/usr/src/linux-source-6.12.tar.* -C "$tree" --strip-components=1
		rm -rf "$dl/x"
		touch "$tree/.unpacked"
	fi
	echo "$tree"
}

# tree_identity SRC: what names this tree's content. A git tree: HEAD plus a
# hash of uncommitted changes; anything else: its kernelrelease and a hash of
# file names, sizes and mtimes.
tree_identity() {
	local src=$1
	if git -C "$src" rev-parse HEAD >/dev/null 2>&1; then
		echo "git:$(git -C "$src" rev-parse HEAD):$(git -C "$src" diff HEAD | sha256sum | cut -c1-16)"
	else
		echo "tree:$(cd "$src" && find . -path ./.git -prune -o -type f \( -name '*.[chS]' -o -name 'Kconfig*' -o -name 'Makefile*' -o -name 'Kbuild*' \) -printf '%p %s %T@\n' | LC_ALL=C sort | sha256sum | cut -c1-16)"
	fi
}

configure() {
	local src=$1 obj=$2
	log kernel "configuring (defconfig + kvm_guest.config + refdev-guest.config)"
	run_logged "$LOGDIR/config.log" make -C "$src" O="$obj" x86_64_defconfig
	run_logged "$LOGDIR/merge.log" env KCONFIG_CONFIG="$obj/.config" \
		"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" \
		"$src/kernel/configs/kvm_guest.config" "$FRAGMENT"
	run_logged "$LOGDIR/olddefconfig.log" make -C "$src" O="$obj" olddefconfig
	check_fragment "$obj/.config"
}

# check_fragment CONFIG: every =y/=m of the fragment must have survived.
check_fragment() {
	local line missing=""
	while read -r line; do
		case "$line" in CONFIG_*=[ym]) ;; *) continue ;; esac
		grep -qx "$line" "$1" || missing="$missing ${line%%=*}"
	done <"$FRAGMENT"
	[ -z "$missing" ] || die "kernel config lost:$missing (see $LOGDIR/olddefconfig.log)"
}

build() {
	local src=$1 obj=$2 log=$LOGDIR/build.log
	log kernel "building vmlinux + modules with $(nproc) jobs (log: $log; ~30 min cold on 2 cores)"
	set +e
	make -C "$src" O="$obj" -j"$(nproc)" vmlinux modules 2>&1 | tee "$log" |
		awk '/^  (CC|LD|AR|AS)/ { n++; if (n % 1000 == 0) printf "[kernel] %d objects built\n", n > "/dev/stderr"; fflush() }'
	local rc=${PIPESTATUS[0]}
	set -e
	if [ "$rc" != 0 ]; then
		grep -E -B2 -A6 'error|Error' "$log" | head -n 60 >&2
		die "kernel build failed (full log: $log)"
	fi
}

install_root() {
	local src=$1 obj=$2 kdir=$3 kver
	kver=$(make -s -C "$src" O="$obj" kernelrelease)
	rm -rf "$kdir/root"
	mkdir -p "$kdir/root"
	run_logged "$LOGDIR/modules_install.log" make -C "$src" O="$obj" \
		INSTALL_MOD_PATH="$kdir/root" INSTALL_MOD_STRIP=1 modules_install
	run_logged "$LOGDIR/depmod.log" depmod -b "$kdir/root" "$kver"
	cp "$obj/vmlinux" "$kdir/vmlinux"
	ln -sfn "$obj" "$kdir/headers"
	echo "$kver" >"$kdir/kver"
}

main() {
	local src=${1:-${KERNEL_SRC:-}} id key obj kdir
	[ -n "$src" ] || src=$(debian_tree)
	[ -f "$src/Makefile" ] && [ -d "$src/kernel" ] || die "$src is not a kernel tree"
	src=$(cd "$src" && pwd)
	id=$(tree_identity "$src")
	key=$(printf '%s\n%s\n' "$id" "$(cat "$FRAGMENT")" | sha256sum | cut -c1-16)
	obj=$KBCACHE/obj-$key
	kdir=$KBCACHE/kernel-$key
	log kernel "tree $src ($id), build key $key"
	if [ -f "$kdir/.done" ]; then
		log kernel "up to date: $(cat "$kdir/kver")"
	else
		mkdir -p "$obj" "$kdir"
		[ -f "$obj/.config" ] && check_fragment "$obj/.config" 2>/dev/null || configure "$src" "$obj"
		build "$src" "$obj"
		install_root "$src" "$obj" "$kdir"
		touch "$kdir/.done"
		log kernel "built $(cat "$kdir/kver")"
	fi
	# Replace any previous source-kernel entry in kernels.env.
	touch "$BUILD_DIR/kernels.env"
	grep -v '^K\(VER\|DIR\)_src=' "$BUILD_DIR/kernels.env" >"$BUILD_DIR/kernels.env.tmp" || true
	printf 'KVER_src=%s\nKDIR_src=%s\n' "$(cat "$kdir/kver")" "$kdir" >>"$BUILD_DIR/kernels.env.tmp"
	mv "$BUILD_DIR/kernels.env.tmp" "$BUILD_DIR/kernels.env"
}

main "$@"
