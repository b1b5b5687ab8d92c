# shellcheck shell=bash
# Shared helpers for ci/*.sh (sourced, not run).
# REFDEV_CACHE holds everything expensive that survives a fresh clone:
# QEMU source and builds, guest kernels. Outside the checkout on purpose.
REFDEV_CACHE=${REFDEV_CACHE:-/var/cache/vfio-refdev}
REPO_ROOT=${REPO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
BUILD_DIR=${BUILD_DIR:-$REPO_ROOT/build}

# log TAG MESSAGE...: one progress line on stderr, with elapsed seconds.
log() {
	local tag=$1
	shift
	printf '[%s %4ds] %s\n' "$tag" "$SECONDS" "$*" >&2
}

# guest_jobs: guests to run side by side unless JOBS says: one per core.
# Guests that idle (FLR and timeout sleeps) gain from more: the 18 Debian
# 6.1/6.12 guests took 570 s two at a time, 350 s four at a time. The
# source-built kernel's guests (KASAN, lockdep) do not: the whole matrix
# took 1813 s four at a time, 1523 s two at a time (README "Where a
# test's time goes").
guest_jobs() {
	echo "${JOBS:-$(nproc)}"
}

die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

# run_logged LOGFILE CMD...: run CMD with all output in LOGFILE; on failure
# show the tail so CI output says why without the whole log.
run_logged() {
	local logfile=$1
	shift
	if ! "$@" >"$logfile" 2>&1; then
		printf 'error: command failed: %s\n--- last 40 lines of %s ---\n' "$*" "$logfile" >&2
		tail -n 40 "$logfile" >&2
		return 1
	fi
}

# hash_inputs FILE...: one sha256 over the names and contents of FILEs.
hash_inputs() {
	local f
	for f in "$@"; do
		printf '%s\n' "${f#"$REPO_ROOT"/}"
		cat "$f"
	done | sha256sum | cut -c1-16
}

# copy_if_changed SRC DST: keep DST's mtime when the content is the same,
# so that ninja/make only rebuild what really changed.
copy_if_changed() {
	cmp -s "$1" "$2" 2>/dev/null || cp "$1" "$2"
}

# Patterns of a guest kernel that went wrong (ci/run-vm.sh fails the run;
# ci/mutant-runs.sh gives each report to the mutant that caused it).
# shellcheck disable=SC2034 # used by the scripts that source this file
BAD_KERNEL_RE='(^|[] ])(Oops|BUG:|WARNING:|Kernel panic|general protection fault|kernel BUG at|UBSAN:|KASAN:|possible circular locking|possible recursive locking|inconsistent lock state|INFO: task .* blocked for more than|unreferenced object|RIP: )'
# ...and those of a guest that froze (an infrastructure failure, SPEC.md 2.6)
# shellcheck disable=SC2034
FREEZE_RE='(soft lockup - CPU#|blocked for more than [0-9]+ seconds|rcu: INFO: .*detected stalls|self-detected stall on CPU|Kernel panic - not syncing: (softlockup|hung_task|RCU Stall))'
# A frame of the code under test in a kernel stack, "fn+0x1c/0x60 [module]":
# the reference drivers (driver-under-test/), mutated or not.
DUT_FRAME_RE='[[:alnum:]_.]+\+0x[0-9a-f]+/0x[0-9a-f]+ \[(refdev_core|refdev_vfio_pci)\]'

# freeze_in_dut CONSOLE: the first frame of the code under test in the
# stacks of CONSOLE's freeze reports (each hung task's, the locked CPU's:
# from its report line to its "</TASK>"; not the other CPUs' NMI backtraces
# nor panic_print's task list, where any sleeping task shows), or nothing.
# A freeze there is a bug of the product, the running test's FAIL, not an
# infrastructure failure (SPEC.md 2.6). Frames printed "? fn+..." are not
# on the call chain (x86 dumpstack.c: stale return addresses left on the
# stack by earlier calls), so they name no culprit.
freeze_in_dut() {
	awk -v re="$FREEZE_RE" '
		/Kernel panic - not syncing/ { exit }
		$0 ~ re { on = 1; n = 0 }
		on { if (!/ \? [[:alnum:]_.]+\+0x/) print; if (/<\/TASK>/ || ++n > 200) on = 0 }' "$1" 2>/dev/null |
		grep -Eo -m 1 "$DUT_FRAME_RE" | head -n 1
}

# kenv KVER|KDIR SERIES: the series' kernel release or directory from
# $BUILD_DIR/kernels.env (ci/fetch-kernels.sh, ci/build-kernel.sh), or "".
kenv() {
	sed -n "s/^$1_${2//./_}=//p" "$BUILD_DIR/kernels.env" 2>/dev/null | tail -n 1 || true
}

# as_user DIR CMD...: CMD in an empty environment (LC_ALL=$AS_USER_LC, C
# unless set), as nobody when run as root, DIR (its scratch tree) nobody's
as_user() {
	local dir=$1
	shift
	if [ "$(id -u)" -eq 0 ]; then
		chown -R nobody:nogroup "$dir"
		set -- setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
	fi
	env -i PATH=/usr/bin:/bin HOME=/nonexistent LC_ALL="${AS_USER_LC:-C}" "$@"
}

# qemu_bin: the qemu-system-x86_64 with refdev for $QEMU_VERSION (7.2 if
# unset; ci/build-qemu.sh builds it). 7.2 keeps its historical path.
qemu_bin() {
	case "${QEMU_VERSION:-7.2}" in
	7.2) echo "$BUILD_DIR/qemu-system-x86_64" ;;
	*) echo "$BUILD_DIR/qemu-$QEMU_VERSION/qemu-system-x86_64" ;;
	esac
}
