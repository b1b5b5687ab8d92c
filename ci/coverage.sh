#!/usr/bin/env bash
# `make coverage`: which lines the tests reach, as one lcov HTML report.
#   ci/coverage.sh OUT_DIR
# - device core (hw-model/core): host unit tests built with --coverage
# - drivers (driver-under-test): GCOV counters exported by the source-built
#   guest kernel (CONFIG_GCOV_KERNEL, our modules built with GCOV_PROFILE)
#   after the variant and migrate runs
# Prints one "... line coverage: NN.N%" line per part.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$1
rm -rf "$out"
mkdir -p "$out/runs"
kver=$(kenv KVER src)
[ -n "$kver" ] || die "coverage needs the source-built kernel (make kernel)"
drvdir=$BUILD_DIR/drivers/$kver

log coverage "device core: host unit tests with gcov"
run_logged "$out/hw-model.log" make -C "$REPO_ROOT/hw-model" coverage O="$BUILD_DIR/hw-model"
cp "$BUILD_DIR/hw-model/coverage/core.info" "$out/core.info"

# driver_info RUN_DIR: lcov data of one guest run's exported counters.
driver_info() {
	local run=$1 name
	name=$(basename "$run")
	[ -d "$run/gcov" ] || die "$run exported no gcov data (GCOV_KERNEL off?)"
	find "$drvdir" -name '*.gcda' -delete
	# The guest names each counter file by its object's absolute build path.
	(cd "$run/gcov" && find . -name '*.gcda') | while read -r f; do
		cp "$run/gcov/$f" "/${f#./}"
	done
	run_logged "$out/lcov-$name.log" lcov --quiet --capture --directory "$drvdir" \
		--base-directory "$drvdir" --output-file "$out/$name.info"
}

infos=()
for s in variant migrate; do
	bash "$REPO_ROOT/ci/run-vm.sh" --kernel src --initramfs "$BUILD_DIR/guest/initramfs-src.cpio.gz" \
		--scenario "$s" --out "$out/runs/src-$s" --timeout "${VM_TIMEOUT:-900}" ||
		log coverage "run src/$s failed: counted anyway, see $out/runs/src-$s"
	driver_info "$out/runs/src-$s"
	infos+=(-a "$out/src-$s.info")
done
run_logged "$out/lcov-merge.log" lcov --quiet "${infos[@]}" --output-file "$out/drivers-all.info"
# Keep our sources only (the symlinks in the build dir resolve to them).
run_logged "$out/lcov-extract.log" lcov --quiet --extract "$out/drivers-all.info" \
	"*/driver-under-test/*" "$drvdir/*" --output-file "$out/drivers.info"
run_logged "$out/genhtml.log" genhtml --quiet --title "vfio-refdev coverage" \
	--output-directory "$out/html" "$out/core.info" "$out/drivers.info"

pct() {
	awk -F: '/^LF:/ { lf += $2 } /^LH:/ { lh += $2 }
		END { if (lf) printf "%.1f%% (%d of %d lines)", 100 * lh / lf, lh, lf; else printf "n/a" }' "$1"
}
echo "device core line coverage: $(pct "$out/core.info")"
echo "driver line coverage: $(pct "$out/drivers.info")"
echo "report: $out/html/index.html"
