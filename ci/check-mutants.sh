#!/usr/bin/env bash
# The suite against every mutant of the reference driver (issue 11 item 1):
# each mutant (driver-under-test/mutants/<NAME>.patch) built for the kernel
# where its feature exists, its own initramfs, one guest of the `variant`
# scenario (the whole suite, not refdev-migrate), guests side by side.
#
#   ci/check-mutants.sh [-j N] OUT_DIR [NAME...]
#
# Writes OUT_DIR/kill-matrix.txt (mutant, kernel, killed|SURVIVED, the
# tests that failed) and prints it. Exit 1 when a mutant survives that is
# not one of NOT_YET (they need fault injection the suite does not drive
# yet: driver-under-test/MUTANTS.md), or when a guest did not end.
# Not part of make check (cost: README.md); make check-mutants runs it.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

jobs=1
if [ "${1:-}" = -j ]; then
	jobs=$2
	shift 2
fi
[ $# -ge 1 ] || die "usage: $0 [-j N] OUT_DIR [NAME...]"
out=$(mkdir -p "$1" && cd "$1" && pwd)
shift

NOT_YET=" RESET_DONE_BLOCKS AQ_LATE_COMPLETION_UNSAFE ERROR_STATE_SKIPPED "

# kernel_of NAME: where the feature the mutant breaks reaches the driver
# (DMA logging REPORT: Debian 6.12 answers EOPNOTSUPP, so 6.1; the rest
# need PRE_COPY / PRECOPY_INFOv2: Debian 7.3).
kernel_of() {
	case "$1" in
	DIRTY_REPORT_NO_CLEAR | LOG_START_TOO_MANY_RANGES) echo 6.1 ;;
	*) echo 7.3 ;;
	esac
}

# one NAME: build, image, guest; OUT_DIR/NAME/{run,times}
one() {
	local m=$1 k kver kdir d=$out/$1 t0=$SECONDS top=$BUILD_DIR
	k=$(kernel_of "$m")
	eval "kver=\${KVER_${k/./_}:-} kdir=\${KDIR_${k/./_}:-}"
	[ -n "$kver" ] || { echo "no kernel $k (make kernels)" >"$d.err"; return 1; }
	rm -rf "$d" && mkdir -p "$d/build/drivers/$kver" "$d/build/guest"
	cp "$BUILD_DIR/kernels.env" "$d/build/"
	make -C "$REPO_ROOT/driver-under-test" KDIR="$kdir/headers" \
		O="$d/build/drivers/$kver" MUTANT="$m" >"$d/build.log" 2>&1 ||
		{ echo "build failed: $d/build.log" >"$d.err"; return 1; }
	# the image takes the drivers of BUILD_DIR/drivers/<kver>: the mutant's
	BUILD_DIR=$d/build bash "$REPO_ROOT/ci/build-initramfs.sh" "$k" "$d/build/guest/initramfs.cpio.gz" \
		"$top/conformance/vfio-conform" "$top/drivers/refdev-migrate" \
		"$top/guest/refdev-dma" >"$d/initramfs.log" 2>&1 ||
		{ echo "initramfs failed: $d/initramfs.log" >"$d.err"; return 1; }
	bash "$REPO_ROOT/ci/run-vm.sh" --kernel "$k" --initramfs "$d/build/guest/initramfs.cpio.gz" \
		--scenario variant --out "$d/run" --timeout "${VM_TIMEOUT:-900}" >"$d/run.log" 2>&1
	echo "$k $((SECONDS - t0))" >"$d/times"
	rm -rf "$d/build"
}

[ -f "$BUILD_DIR/kernels.env" ] || die "no $BUILD_DIR/kernels.env (make kernels)"
# shellcheck source=/dev/null # written by ci/fetch-kernels.sh
. "$BUILD_DIR/kernels.env"
names=("$@")
[ ${#names[@]} -gt 0 ] || mapfile -t names < <(bash "$REPO_ROOT/ci/mutants.sh" list "$REPO_ROOT/driver-under-test/mutants")

t0=$SECONDS running=0
for m in "${names[@]}"; do
	rm -f "$out/$m.err"
	one "$m" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait

rc=0
matrix=$out/kill-matrix.txt
{
	printf '%-30s %-6s %-9s %s\n' MUTANT KERNEL RESULT "TESTS THAT FAILED"
	for m in "${names[@]}"; do
		k=$(kernel_of "$m")
		if [ -f "$out/$m.err" ]; then
			printf '%-30s %-6s %-9s %s\n' "$m" "$k" ERROR "$(cat "$out/$m.err")"
			rc=1
			continue
		fi
		failed=$(sed -n 's/^not ok [0-9]* \([^ ]*\).*/\1/p' "$out/$m/run/tap.log" 2>/dev/null | tr '\n' ' ')
		if ! grep -q '^# Totals' "$out/$m/run/tap.log" 2>/dev/null; then
			printf '%-30s %-6s %-9s %s\n' "$m" "$k" ERROR "the guest did not end ($(cat "$out/$m/run/status" 2>/dev/null))"
			rc=1
		elif [ -n "$failed" ]; then
			printf '%-30s %-6s %-9s %s\n' "$m" "$k" killed "$failed"
		elif [[ $NOT_YET == *" $m "* ]]; then
			printf '%-30s %-6s %-9s %s\n' "$m" "$k" survived "(not yet killed by the suite: needs fault injection)"
		else
			printf '%-30s %-6s %-9s %s\n' "$m" "$k" SURVIVED "-"
			rc=1
		fi
	done
} >"$matrix" </dev/null
n=${#names[@]}
k=$(grep -c '^[A-Z_0-9]* *[0-9.]* *killed ' "$matrix")
echo "mutants: $k of $n killed by the suite, wall ${SECONDS}s (-j $jobs, $((SECONDS - t0))s for the guests)" >>"$matrix"
cat "$matrix"
exit "$rc"
