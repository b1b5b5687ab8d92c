# shellcheck shell=bash
# apt with a private configuration: its own sources list (ci/apt/*.list),
# package lists and cache under $REFDEV_CACHE/apt-*, an empty dpkg status.
# Sourced by ci/*.sh after lib.sh; the host's apt stays as it is.
#
# Debian's newer suites (trixie, trixie-backports, sid: ci/apt/newer-suites.list):
#   apt_newer_update               refresh the lists (at most every 12 h)
#   apt_newer apt-cache ARGS...    e.g. apt_newer apt-cache depends PKG
#   apt_newer apt-get download PKG...
# QEMU 10.0's source and the meson it needs on Debian 12 (ci/apt/qemu-10.0.list):
#   apt_qemu10_update, apt_qemu10 TOOL ARGS...

APT_NEWER_DIR=$REFDEV_CACHE/apt-newer
APT_QEMU10_DIR=$REFDEV_CACHE/apt-qemu10

# apt_private LIST DIR TOOL ARGS...: TOOL (apt-get, apt-cache) over LIST only.
apt_private() {
	local list=$1 dir=$2 tool=$3
	shift 3
	"$tool" -o Dir::Etc::SourceList="$list" \
		-o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$dir/lists" \
		-o Dir::Cache="$dir/cache" \
		-o Dir::State::status=/dev/null \
		-o APT::Default-Release= "$@"
}

# apt_private_update LIST DIR WHAT: apt-get update, at most every 12 h or
# when LIST changed.
apt_private_update() {
	local list=$1 dir=$2 what=$3 stamp=$2/updated
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
	if [ -f "$stamp" ] && [ -z "$(find "$stamp" -mmin +720)" ] && [ "$stamp" -nt "$list" ]; then
		return 0
	fi
	log apt "updating the lists of $what (private configuration)"
	run_logged "$dir/update.log" apt_private "$list" "$dir" apt-get update
	touch "$stamp"
}

apt_newer() {
	apt_private "$REPO_ROOT/ci/apt/newer-suites.list" "$APT_NEWER_DIR" "$@"
}

apt_newer_update() {
	apt_private_update "$REPO_ROOT/ci/apt/newer-suites.list" "$APT_NEWER_DIR" \
		"Debian's newer suites"
}

apt_qemu10() {
	apt_private "$REPO_ROOT/ci/apt/qemu-10.0.list" "$APT_QEMU10_DIR" "$@"
}

apt_qemu10_update() {
	apt_private_update "$REPO_ROOT/ci/apt/qemu-10.0.list" "$APT_QEMU10_DIR" \
		"Debian's QEMU 10.0 sources"
}
