#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later OR MIT
#
# vfio-conform as a kselftest collection entry (run_kselftest.sh runs it as
# vfio-conform:vfio-conform.sh): KTAP v1 on stdout, the device from
# VFIO_CONFORM_DEVICE (and VFIO_CONFORM_PF/PEER), exit 4 (KSFT_SKIP) when
# there is no device or every test skipped, else vfio-conform's exit status.
dir=$(dirname "$0")
bin=$dir/vfio-conform
[ -x "$bin" ] || bin=$(command -v vfio-conform) || {
	printf 'KTAP version 1\n1..0 # SKIP vfio-conform is not installed\n'
	exit 4
}
if [ -z "${VFIO_CONFORM_DEVICE:-}" ]; then
	printf 'KTAP version 1\n1..0 # SKIP VFIO_CONFORM_DEVICE is not set (the device to test)\n'
	exit 4
fi
rcfile=$(mktemp)
{ "$bin" "$@"; echo $? >"$rcfile"; } | sed '1s/^TAP version 13$/KTAP version 1/'
rc=$(cat "$rcfile")
rm -f "$rcfile"
exit "$rc"
