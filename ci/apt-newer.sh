# shellcheck shell=bash
# apt over Debian's newer suites (trixie, trixie-backports, sid) with a
# private configuration: its own sources list (ci/apt/newer-suites.list),
# package lists and cache under $REFDEV_CACHE/apt-newer, an empty dpkg
# status. Sourced by ci/*.sh after lib.sh; the host's apt stays as it is.
#
#   apt_newer_update               refresh the lists (at most every 12 h)
#   apt_newer apt-cache ARGS...    e.g. apt_newer apt-cache depends PKG
#   apt_newer apt-get download PKG...

APT_NEWER_DIR=$REFDEV_CACHE/apt-newer

apt_newer() {
	local tool=$1
	shift
	"$tool" -o Dir::Etc::SourceList="$REPO_ROOT/ci/apt/newer-suites.list" \
		-o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$APT_NEWER_DIR/lists" \
		-o Dir::Cache="$APT_NEWER_DIR/cache" \
		-o Dir::State::status=/dev/null \
		-o APT::Default-Release= "$@"
}

apt_newer_update() {
	local stamp=$APT_NEWER_DIR/updated
	mkdir -p "$APT_NEWER_DIR/lists/partial" "$APT_NEWER_DIR/cache/archives/partial"
	if [ -f "$stamp" ] && [ -z "$(find "$stamp" -mmin +720)" ] &&
		[ "$stamp" -nt "$REPO_ROOT/ci/apt/newer-suites.list" ]; then
		return 0
	fi
	log apt "updating the lists of Debian's newer suites (private configuration)"
	run_logged "$APT_NEWER_DIR/update.log" apt_newer apt-get update
	touch "$stamp"
}
