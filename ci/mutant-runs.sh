#!/usr/bin/env bash
# The mutation matrix of make check (issue 11 item 1): the suite (not
# refdev-migrate) against every mutant of the project, on the kernel where
# the mutant's feature exists.
#
#   ci/mutant-runs.sh prepare KERNEL...   build what the boots need, write
#                                         the plan ($BUILD_DIR/mutants/plan)
#   ci/mutant-runs.sh groups              the plan's boot groups: "KERNEL GROUP"
#   ci/mutant-runs.sh run KERNEL GROUP DIR  run one group's boot(s) into DIR
#   ci/mutant-runs.sh matrix OUT_DIR      the kill matrix of OUT_DIR/*/ rows
#
# The mutants are the patches: driver-under-test/mutants/*.patch and
# hw-model/mutants/*.patch; a new patch is picked up with no list to edit.
# Its header's optional Kernel:, Suite: and Survives: lines (before its first
# "---"/"diff" line; driver-under-test/MUTANTS.md) steer its boot.
#
# Driver mutants: the modules of each (cached in REFDEV_CACHE by a hash of
# the sources, the patch and the kernel: a warm run builds nothing) go into
# one image per kernel; one boot runs the unmutated drivers first, then
# each mutant in turn (rmmod between), up to MUTANTS_PER_BOOT a boot.
# hw-model mutants: one QEMU binary each (ci/build-qemu.sh --hw-model,
# cached by its inputs like the plain one), one boot with the reference
# drivers each.
#
# A mutant is killed when a test fails or the guest kernel reports a
# problem (lockdep, KASAN, oops: the "[mutant] begin/end" markers in the
# console give each report to its run). A boot that dies or freezes during
# a mutant is booted again for the rest; the mutant in progress is run
# once more alone first, and if it kills the guest again it is killed by a
# kernel report (oops, panic) or, for a freeze or timeout, an ERROR: a
# mutant that hangs the device must end as a test's FAIL within the
# suite's timeout, never as a guest timeout.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

PER_BOOT=${MUTANTS_PER_BOOT:-5}
MDIR=$BUILD_DIR/mutants
PLAN=$MDIR/plan
MCACHE=$REFDEV_CACHE/mutants

# header FIELD PATCH: the value of "FIELD: value" in PATCH's header
header() {
	awk -v f="$2:" '/^(---|diff) / { exit } $1 == f { sub(/^[^:]*: */, ""); print; exit }' "$1"
}

# default_kernel KERNEL...: the newest Debian series of the list
default_kernel() {
	printf '%s\n' "$@" | grep -v '^src$' | sort -V | tail -n 1
}

# build_driver NAME SERIES: DEST dir with both modules, from the cache
build_driver() {
	local m=$1 k=$2 patch kver kdir key dest srcs
	patch=$REPO_ROOT/driver-under-test/mutants/$m.patch
	kver=$(kenv KVER "$k") kdir=$(kenv KDIR "$k")
	mapfile -t srcs < <(cd "$REPO_ROOT" && find driver-under-test/Kbuild driver-under-test/Makefile \
		driver-under-test/refdev_core.h driver-under-test/core driver-under-test/vfio \
		driver-under-test/compat hw-model/include -type f | LC_ALL=C sort)
	key=$(hash_inputs "${srcs[@]/#/$REPO_ROOT/}" "$patch" <(echo "$kver $kdir"))
	dest=$MCACHE/drivers/$kver/$m-$key
	if [ ! -f "$dest/refdev_vfio_pci.ko" ]; then
		local tmp=$MDIR/build/$kver/$m
		mkdir -p "$tmp"
		if ! make -C "$REPO_ROOT/driver-under-test" KDIR="$kdir/headers" O="$tmp" \
			MUTANT="$m" >"$tmp.log" 2>&1; then
			echo "build failed: $tmp.log" >&2
			return 1
		fi
		mkdir -p "$dest.tmp"
		cp "$tmp"/refdev_core.ko "$tmp"/refdev_vfio_pci.ko "$dest.tmp/"
		rm -rf "$dest" && mv "$dest.tmp" "$dest"
	fi
	echo "$dest"
}

# build_hw NAME: the QEMU binary of hw-model mutant NAME (from the cache):
# a copy of hw-model/ with the patch applied, built as ci/build-qemu.sh
# builds the device (its own cache key: its own binary)
build_hw() {
	local m=$1 dir=$MDIR/hw/$1/hw-model p=$REPO_ROOT/hw-model/mutants/$1.patch f
	rm -rf "${dir%/*}" && mkdir -p "$dir"
	cp -a "$REPO_ROOT/hw-model/." "$dir/"
	# qemu/files.txt names ../libvfio/crc32c.[ch]: the copy's sibling too
	cp -a "$REPO_ROOT/libvfio" "${dir%/*}/libvfio"
	mapfile -t f < <(sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$p")
	bash "$REPO_ROOT/ci/mutants.sh" apply "$REPO_ROOT/hw-model" "$p" "$dir" "${f[@]}" >&2 || return 1
	nice -n 5 bash "$REPO_ROOT/ci/build-qemu.sh" --hw-model "$dir" --name "mutant-$m" >"$MDIR/hw/$m.log" 2>&1 ||
		{ echo "QEMU build failed: $MDIR/hw/$m.log" >&2; return 1; }
	echo "$BUILD_DIR/qemu-system-x86_64-mutant-$m"
}

prepare() {
	local kernels=("$@") k m p dk pids=() rc=0
	dk=$(default_kernel "${kernels[@]}")
	rm -rf "$MDIR/stage" "$MDIR/hw" "$BUILD_DIR"/guest/initramfs-*-mutants.cpio.gz
	mkdir -p "$MDIR/stage"
	: >"$PLAN.tmp"
	declare -A items=()
	for m in $(bash "$REPO_ROOT/ci/mutants.sh" list "$REPO_ROOT/driver-under-test/mutants"); do
		p=$REPO_ROOT/driver-under-test/mutants/$m.patch
		k=$(header "$p" Kernel)
		k=${k:-$dk}
		if [ -z "$k" ]; then
			echo "matrix-skip $m - no Debian kernel in KERNELS (${kernels[*]})" >>"$PLAN.tmp"
			continue
		elif [[ " ${kernels[*]} " != *" $k "* ]]; then
			echo "matrix-skip $m $k kernel $k is not in KERNELS (${kernels[*]})" >>"$PLAN.tmp"
			continue
		fi
		items[$k]+="$m "
	done
	# modules, side by side (kbuild runs one compiler per job)
	for k in "${!items[@]}"; do
		for m in ${items[$k]}; do
			(dest=$(build_driver "$m" "$k") || exit 1
				mkdir -p "$MDIR/stage/$k/$m"
				for f in "$dest"/*.ko; do
					strip --strip-debug -o "$MDIR/stage/$k/$m/${f##*/}" "$f"
				done
				h=$(header "$REPO_ROOT/driver-under-test/mutants/$m.patch" Suite)
				[ -z "$h" ] || echo "$h" >"$MDIR/stage/$k/$m/suite-args") &
			pids+=($!)
			if [ ${#pids[@]} -ge "$(nproc)" ]; then
				wait "${pids[0]}" || rc=1
				pids=("${pids[@]:1}")
			fi
		done
	done
	for p in "${pids[@]}"; do wait "$p" || rc=1; done
	[ "$rc" = 0 ] || die "a mutant's drivers did not build (logs in $MDIR/build/)"
	for k in "${!items[@]}"; do
		# the unmutated drivers run the union of the mutants' selections
		# (the whole suite when one of them has none)
		local all=1 u=""
		for m in ${items[$k]}; do
			if [ -f "$MDIR/stage/$k/$m/suite-args" ]; then
				u+=" $(cat "$MDIR/stage/$k/$m/suite-args")"
			else
				all=""
			fi
		done
		[ -z "$all" ] || echo "${u# }" >"$MDIR/stage/$k/reference.suite-args"
		mutant_image "$k" || return 1
		# as few boots as PER_BOOT allows, mutants dealt out evenly, the
		# drivers of the image first in each
		local -a ms lists=()
		read -ra ms <<<"${items[$k]}"
		local ng=$(((${#ms[@]} + PER_BOOT - 1) / PER_BOOT)) i
		for i in "${!ms[@]}"; do
			lists[i % ng]+=",${ms[$i]}"
		done
		for i in "${!lists[@]}"; do
			echo "driver $k mutants-$((i + 1)) - -${lists[$i]}" >>"$PLAN.tmp"
		done
	done
	for m in $(bash "$REPO_ROOT/ci/mutants.sh" list "$REPO_ROOT/hw-model/mutants"); do
		p=$REPO_ROOT/hw-model/mutants/$m.patch
		k=$(header "$p" Kernel)
		k=${k:-$dk}
		if [ -z "$k" ] || [[ " ${kernels[*]} " != *" $k "* ]]; then
			echo "matrix-skip $m ${k:--} no kernel for it in KERNELS (${kernels[*]})" >>"$PLAN.tmp"
			continue
		fi
		local q
		q=$(build_hw "$m") || die "hw-model mutant $m: no QEMU"
		[ -f "$BUILD_DIR/guest/initramfs-$k-mutants.cpio.gz" ] || mutant_image "$k" || return 1
		echo "hw $k hw-$m $q -" >>"$PLAN.tmp"
	done
	mv "$PLAN.tmp" "$PLAN"
	log mutants "plan: $(grep -c '' "$PLAN") boots ($PLAN)"
}

# mutant_image SERIES: the series' image plus /lib/modules/mutants/<NAME>/
mutant_image() {
	local k=$1
	local img=$BUILD_DIR/guest/initramfs-$k-mutants.cpio.gz base=$BUILD_DIR/guest/initramfs-$k.cpio.gz
	local st=$MDIR/stage/img-$k
	[ -f "$base" ] || die "no $base (make images)"
	rm -rf "$st" && mkdir -p "$st/lib/modules/mutants"
	[ ! -d "$MDIR/stage/$k" ] || cp -r "$MDIR/stage/$k"/. "$st/lib/modules/mutants/"
	install -m 755 "$REPO_ROOT/fixtures/guest/init" "$st/init"	# this checkout's scenarios
	# a newc archive appended to another: the kernel unpacks both
	{
		cat "$base"
		(cd "$st" && find init lib | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -9n)
	} >"$img.tmp" && mv "$img.tmp" "$img"
}

groups() {
	[ -f "$PLAN" ] || die "no $PLAN (ci/mutant-runs.sh prepare)"
	awk '$1 == "driver" || $1 == "hw" { print $2, $3 }' "$PLAN"
}

# segment LOG TAG: the console lines of run TAG (between its markers)
segment() {
	awk -v b="[mutant] begin $2" -v e="[mutant] end $2" '
		index($0, b) { on = 1; next }
		index($0, e) { on = 0 }
		on' "$1"
}

# boot DIR ITEMS QEMU IMAGE SERIES: one guest running ITEMS (comma list)
# on QEMU ("-": the plain one, or REFDEV_QEMU's)
boot() {
	local dir=$1 list=$2 q=$3 img=$4 k=$5 qemu=${REFDEV_QEMU:-}
	[ "$q" = - ] || qemu=$q
	REFDEV_QEMU=$qemu bash "$REPO_ROOT/ci/run-vm.sh" --kernel "$k" --initramfs "$img" \
		--scenario mutants --out "$dir" --timeout "${VM_TIMEOUT:-900}" \
		--append "refdev.mutants=$list" >"$dir.log" 2>&1
}

# judge_item BOOTDIR TAG: "killed TESTS" | "survived" | "error WHY" |
# "missing" (never began) | "died [REPORT]" (began, no TAP: the guest died;
# REPORT: the kernel's report unless it is a freeze outside our drivers)
judge_item() {
	local d=$1 tag=$2 tap=$1/mutant-$2.tap failed probs seg culprit
	seg=$(segment "$d/console.log" "$tag")
	# the report's headline, not the register dump of its backtrace
	probs=$(grep -E "$BAD_KERNEL_RE" <<<"$seg" | grep -v 'RIP: ' | sed 's/^\[ *[0-9.]*\] //' |
		sort -u | head -n 2 | tr '\n' ';')
	[ -n "$probs" ] || probs=$(grep -E "$BAD_KERNEL_RE" <<<"$seg" | head -n 1)
	if [ ! -f "$tap" ]; then
		if ! grep -qF "[mutant] begin $tag" "$d/console.log" 2>/dev/null; then
			echo "missing"
		elif grep -Eq "$FREEZE_RE" <<<"$seg"; then
			# a freeze in our drivers is the mutant's doing, a kill
			culprit=$(freeze_in_dut <(printf '%s\n' "$seg") || true)
			echo "died${culprit:+ $probs froze in $culprit}"
		else
			echo "died $probs"
		fi
		return
	fi
	failed=$(sed -n 's/^not ok [0-9]* \([^ ]*\).*/\1/p' "$tap" | tr '\n' ' ')
	if [ -n "$failed$probs" ]; then
		echo "killed ${failed}${probs:+kernel: $probs}"
	elif ! grep -q '^# Totals' "$tap"; then
		echo "error the suite's TAP ended early: $(grep '^Bail out!' "$tap" | head -n 1)"
	else
		echo "survived"
	fi
}

# run KERNEL GROUP DIR: the group's boots (again for the rest after a dead one)
run() {
	local group=$2 dir=$3 kind k q items line img
	line=$(awk -v k="$1" -v g="$group" '$2 == k && $3 == g' "$PLAN")
	[ -n "$line" ] || die "no group $1 $group in $PLAN"
	read -r kind k _ q items <<<"$line"
	img=$BUILD_DIR/guest/initramfs-$k-mutants.cpio.gz
	rm -rf "$dir" && mkdir -p "$dir"
	local todo=${items//,/ } boot_n=0 retried="" rows=$dir/kill-rows.txt
	: >"$rows"
	while [ -n "${todo// /}" ] && [ "$boot_n" -lt 8 ]; do
		boot_n=$((boot_n + 1))
		local bd=$dir/boot-$boot_n status next="" t v tag name words
		read -ra words <<<"$todo"
		boot "$bd" "$(IFS=,; echo "${words[*]}")" "$q" "$img" "$k"
		status=$(cat "$bd/status" 2>/dev/null || echo "no status")
		for t in $todo; do
			if [ -n "$next" ]; then
				next+=" $t"
				continue
			fi
			tag=$t name=$t
			[ "$t" = - ] && tag=reference
			[ "$kind" = hw ] && name=${group#hw-}
			v=$(judge_item "$bd" "$tag")
			case "$v" in
			missing) next=" $t" ;;
			died*)
				if [[ " $retried " != *" $t "* ]]; then
					retried+=" $t"
					next=" $t"	# once more, at the head of the next boot
				elif [ -n "${v#died}" ]; then
					row "$rows" "$kind" "$name" "$k" killed "kernel:${v#died} (the guest died: $status)"
				else
					row "$rows" "$kind" "$name" "$k" ERROR "the guest froze or died during it, twice: $status ($bd/)"
				fi
				;;
			killed*) row "$rows" "$kind" "$name" "$k" killed "${v#killed }" ;;
			survived) row "$rows" "$kind" "$name" "$k" survived "-" ;;
			error*) row "$rows" "$kind" "$name" "$k" ERROR "${v#error }" ;;
			esac
		done
		if [ "$next" = " $todo" ] || [ "$next" = "$todo" ] &&
			! grep -q '\[mutant\] begin' "$bd/console.log" 2>/dev/null; then
			log mutants "$k/$group: boot $boot_n ran none of its mutants ($status)"
			break	# no progress: booting again would not help
		fi
		todo=$next
		[ -z "${todo// /}" ] || log mutants "$k/$group: boot $boot_n ended ($status); again for:$todo"
	done
	for t in $todo; do
		[ "$kind" = hw ] && t=${group#hw-}
		row "$rows" "$kind" "$t" "$k" ERROR "never ran (the guest boots kept failing: $dir/boot-$boot_n/)"
	done
	tap_of_rows "$rows" >"$dir/tap.log"
	echo ok >"$dir/status"
}

# row FILE KIND NAME KERNEL RESULT DETAIL: one matrix row; the drivers of
# the image ("-") and a survivor are judged here against the patch header
row() {
	local f=$1 kind=$2 m=$3 k=$4 r=$5 detail=$6 p why
	if [ "$m" = - ]; then
		if [ "$r" = survived ]; then r=pass detail="-"; else r=FAILED; fi
		printf '%s\t%s\t%s\t%s\t%s\n' unmutated "$k" "$r" "$detail" "" >>"$f"
		return
	fi
	[ "$kind" = hw ] && p=$REPO_ROOT/hw-model/mutants/$m.patch ||
		p=$REPO_ROOT/driver-under-test/mutants/$m.patch
	why=$(header "$p" Survives)
	if [ "$r" = survived ]; then
		if [ -n "$why" ]; then r=survived detail="(expected: $why)"; else r=SURVIVED; fi
	elif [ "$r" = killed ] && [ -n "$why" ]; then
		detail="$detail (its 'Survives:' line is stale: remove it)"
	fi
	printf '%s\t%s\t%s\t%s\n' "$m" "$k" "$r" "$detail" >>"$f"
}

# tap_of_rows ROWS: the group as TAP for the harness: a kill, an
# expected survivor (SKIP) and a passing unmutated build are ok
tap_of_rows() {
	local n=0 m k r d
	echo "TAP version 13"
	echo "1..$(grep -c '' "$1")"
	while IFS=$'\t' read -r m k r d _; do
		n=$((n + 1))
		case "$r" in
		killed | pass) echo "# $d" | cut -c1-400; echo "ok $n mutants/$k/$m" ;;
		survived) echo "ok $n mutants/$k/$m # SKIP survives the suite ${d#(}" | sed 's/)$//' ;;
		*) echo "# $r: $d" | cut -c1-400; echo "not ok $n mutants/$k/$m" ;;
		esac
	done <"$1"
}

matrix() {
	local out=$1 f m k r d n=0 killed=0 bad=0
	f=$out/kill-matrix.txt
	{
		printf '%-30s %-6s %-9s %s\n' MUTANT KERNEL RESULT "TESTS THAT FAILED (or the kernel's report)"
		[ ! -f "$PLAN" ] || awk '$1 == "matrix-skip" { printf "%-30s %-6s %-9s %s\n", $2, $3, "not-run", substr($0, index($0, $4)) }' "$PLAN"
		cat "$out"/*/kill-rows.txt 2>/dev/null | LC_ALL=C sort -t $'\t' -k1,1 -k2,2 |
			while IFS=$'\t' read -r m k r d _; do
				printf '%-30s %-6s %-9s %s\n' "$m" "$k" "$r" "$d"
			done
	} >"$f"
	n=$(grep -cvE '^(MUTANT|unmutated) ' "$f")
	killed=$(grep -cE '^[A-Z0-9_]+ +[0-9a-z.]+ +killed ' "$f")
	bad=$(grep -cE '^[A-Za-z0-9_]+ +[0-9a-z.]+ +(SURVIVED|ERROR|FAILED) ' "$f")
	echo "mutants: $killed of $n killed by the suite ($((n ? killed * 100 / n : 0)) %); $bad not as documented" >>"$f"
	cat "$f"
	[ "$bad" = 0 ]
}

case ${1:-} in
prepare) shift && prepare "$@" ;;
groups) groups ;;
run) run "$2" "$3" "$4" ;;
matrix) matrix "$2" ;;
*) die "usage: $0 prepare KERNEL... | groups | run KERNEL GROUP DIR | matrix OUT_DIR" ;;
esac
