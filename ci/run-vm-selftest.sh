#!/usr/bin/env bash
# ci/run-vm.sh's panic watch on a made-up QEMU: a script that writes a
# "Kernel panic" line to the console and then hangs, as a guest whose panic
# dump stalls does. The watch must stop it REFDEV_PANIC_GRACE s after the
# line, not at the hard timeout; a panic before /init is booted again (3
# boots in all), one after /init is not. No kernel, no image: a few seconds.
#   ci/run-vm-selftest.sh        (make unit)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
bad=0

# the fake QEMU: creates its -serial files as QEMU does, the first is the
# console; FAKE_INIT=1 writes the /init line first
cat >"$t/qemu" <<'EOF'
#!/usr/bin/env bash
console=""
while [ $# -gt 0 ]; do
	if [ "$1" = -serial ]; then
		: >"${2#file:}"
		[ -n "$console" ] || console=${2#file:}
	fi
	shift
done
{
	[ "${FAKE_INIT:-}" != 1 ] || echo "[init] booted fake at 1.00 s"
	echo "Kernel panic - not syncing: fake"
	echo "panic_print: task dump follows"
} >>"$console"
exec sleep 600
EOF
chmod +x "$t/qemu"
mkdir -p "$t/build" "$t/kernel"
echo "KDIR_0_0=$t/kernel" >"$t/build/kernels.env"
: >"$t/initramfs"

# check NAME FAKE_INIT BOOTS: run-vm.sh must fail within 30 s with the
# panic status after BOOTS boots
check() {
	local name=$1 init=$2 boots=$3 rc=0 t0=$SECONDS out=$t/out-$1 n
	FAKE_INIT=$init BUILD_DIR=$t/build REFDEV_QEMU=$t/qemu REFDEV_ACCEL=tcg \
		REFDEV_PANIC_GRACE=2 bash "$here/run-vm.sh" --kernel 0.0 \
		--initramfs "$t/initramfs" --scenario fake --out "$out" \
		--timeout 120 >"$t/$name.log" 2>&1 || rc=$?
	n=$(($(find "$out" -maxdepth 1 -name 'attempt-*' | wc -l) + 1))
	if [ "$rc" = 1 ] && [ $((SECONDS - t0)) -lt 30 ] && [ "$n" = "$boots" ] &&
		grep -q "panicked and its panic dump did not end within 2s" "$out/status" 2>/dev/null; then
		echo "ok   run-vm-selftest $name"
	else
		echo "FAIL run-vm-selftest $name: exit $rc after $((SECONDS - t0)) s, $n boot(s), status: $(cat "$out/status" 2>/dev/null)" >&2
		sed 's/^/    /' "$t/$name.log" >&2
		bad=1
	fi
}

check panic-after-init 1 1
check panic-before-init 0 3
[ "$bad" = 0 ] && echo "run-vm-selftest: all passed"
exit "$bad"
