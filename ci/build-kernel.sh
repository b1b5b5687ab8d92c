#!/usr/bin/env bash
# Build a guest kernel from a kernel tree, for the kernel-under-test runs.
#
#   ci/build-kernel.sh [KERNEL_SRC]
#
# Without KERNEL_SRC, Debian's newest linux-source-7.x (KERNEL_SERIES=7, or
# e.g. 7.3) is fetched through ci/apt-newer.sh and its tree used; any tree
# from 6.1 on works. Config: allnoconfig + fixtures/kernel/refdev-guest.config
# (a lean q35 guest: VFIO + iommufd + cdev + detectors), then olddefconfig.
# Built out of tree in $REFDEV_CACHE/kbuild/<key>, the key being the tree's
# identity and the fragment's hash: an unchanged tree is not rebuilt.
# Adds KVER_src / KDIR_src to $BUILD_DIR/kernels.env (same layout as the
# Debian kernels: root/ with modules and modules.dep, vmlinux, headers).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
# shellcheck source=ci/linux-source.sh
. "$(dirname "$0")/linux-source.sh"

FRAGMENT=$REPO_ROOT/fixtures/kernel/refdev-guest.config
KBCACHE=$REFDEV_CACHE/kbuild
LOGDIR=$KBCACHE/logs
mkdir -p "$KBCACHE" "$LOGDIR" "$BUILD_DIR"

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
	log kernel "configuring (allnoconfig + refdev-guest.config)"
	run_logged "$LOGDIR/config.log" make -C "$src" O="$obj" KCONFIG_ALLCONFIG="$FRAGMENT" allnoconfig
	run_logged "$LOGDIR/olddefconfig.log" make -C "$src" O="$obj" olddefconfig
	check_fragment "$src" "$obj/.config"
}

# known_symbols SRC: every config symbol the tree's Kconfig files define.
known_symbols() {
	find "$1" -name 'Kconfig*' -not -path '*/Documentation/*' -exec \
		sed -n 's/^[[:space:]]*\(menu\)\{0,1\}config[[:space:]]\{1,\}\([A-Z0-9_]*\).*/\2/p' {} + | sort -u
}

# check_fragment SRC CONFIG: every =y/=m of the fragment that the tree
# knows must have survived; those it does not know are named, not fatal
# (an older tree lacks e.g. IOMMUFD: the suite then skips with a reason).
check_fragment() {
	local src=$1 line sym missing="" unknown="" known
	known=$(known_symbols "$src")
	while read -r line; do
		case "$line" in CONFIG_*=[ym]) ;; *) continue ;; esac
		sym=${line%%=*}
		if ! grep -qx "${sym#CONFIG_}" <<<"$known"; then
			unknown="$unknown $sym"
		elif ! grep -qx "$line" "$2"; then
			missing="$missing $sym"
		fi
	done <"$FRAGMENT"
	[ -z "$unknown" ] || log kernel "this tree has no$unknown"
	[ -z "$missing" ] || die "kernel config lost:$missing (see $LOGDIR/olddefconfig.log)"
}

# seed_obj OBJ ID: start a new build directory from the newest earlier one of
# the same tree (its .tree-id), so that a fragment change rebuilds only what
# the changed options touch (Kbuild tracks each object's CONFIG_ symbols)
# instead of every object (~11 min idle; 89 min seen under load).
seed_obj() {
	local obj=$1 id=$2 d dirs
	[ ! -e "$obj" ] || return 0
	mapfile -t dirs < <(find "$KBCACHE" -maxdepth 1 -name 'obj-*' -printf '%T@ %p\n' | sort -rn | cut -d' ' -f2-)
	for d in "${dirs[@]}"; do
		if [ "$(cat "$d/.tree-id" 2>/dev/null)" != "$id" ] || [ ! -f "$d/vmlinux" ]; then
			continue
		fi
		log kernel "starting from ${d##*/} (same tree, another config)"
		cp -a "$d" "$obj.tmp" && mv "$obj.tmp" "$obj"
		return 0
	done
}

build() {
	local src=$1 obj=$2 log=$LOGDIR/build.log
	log kernel "building vmlinux + modules with $(nproc) jobs (log: $log; lean config: see README for the cold time)"
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
	[ -n "$src" ] || src=$(linux_source_tree "${KERNEL_SERIES:-7}")
	{ [ -f "$src/Makefile" ] && [ -d "$src/kernel" ]; } || die "$src is not a kernel tree"
	src=$(cd "$src" && pwd)
	id=$(tree_identity "$src")
	key=$(printf '%s\n%s\n' "$id" "$(cat "$FRAGMENT")" | sha256sum | cut -c1-16)
	obj=$KBCACHE/obj-$key
	kdir=$KBCACHE/kernel-$key
	log kernel "tree $src ($id), build key $key"
	if [ -f "$kdir/.done" ]; then
		log kernel "up to date: $(cat "$kdir/kver")"
	else
		seed_obj "$obj" "$id"
		mkdir -p "$obj" "$kdir"
		echo "$id" >"$obj/.tree-id"
		if ! { [ -f "$obj/.config" ] && (check_fragment "$src" "$obj/.config") 2>/dev/null; }; then
			configure "$src" "$obj"
		fi
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
