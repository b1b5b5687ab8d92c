#!/usr/bin/env bash
# ci/run-vm.sh's evidence of a QEMU crash (infra-failure.txt) on a made-up
# QEMU that prints a long sanitizer report and exits 134: the kind line and
# the report's first 200 lines, without the log's tail after them (head's
# early exit must not count as "no report"). No kernel, no image: a second.
#   ci/run-vm-crash-selftest.sh        (make unit)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT

# far more than a pipe holds, so that grep is still writing when head ends
cat >"$t/qemu" <<'EOF2'
#!/usr/bin/env bash
# its -serial files, as QEMU makes them
while [ $# -gt 0 ]; do
	[ "$1" != -serial ] || : >"${2#file:}"
	shift
done
for i in $(seq 1 5000); do
	echo "runtime error: fake report line $i, padded to fill the pipe ........"
done
echo "the last line of the log"
exit 134
EOF2
chmod +x "$t/qemu"
mkdir -p "$t/build" "$t/kernel"
echo "KDIR_0_0=$t/kernel" >"$t/build/kernels.env"
: >"$t/initramfs"
rc=0
BUILD_DIR=$t/build REFDEV_QEMU=$t/qemu REFDEV_ACCEL=tcg bash "$here/run-vm.sh" \
	--kernel 0.0 --initramfs "$t/initramfs" --scenario fake --out "$t/out" \
	--timeout 60 >"$t/run.log" 2>&1 || rc=$?
f=$t/out/infra-failure.txt
if [ "$rc" = 1 ] && [ "$(head -n 1 "$f" 2>/dev/null)" = "QEMU crashed (exit 134)" ] &&
	[ "$(wc -l <"$f")" = 201 ] && ! grep -q "the last line" "$f"; then
	echo "run-vm-crash-selftest: a QEMU crash's evidence is its report alone"
	exit 0
fi
echo "FAIL run-vm-crash-selftest: exit $rc, $(wc -l <"$f" 2>/dev/null) lines of evidence, its end:" >&2
tail -n 3 "$f" "$t/run.log" 2>&1 | sed 's/^/    /' >&2
exit 1
