#!/usr/bin/env bash
# Fetches the pristine tarball of a Debian source package into DIR and checks
# its SHA-256, trying in turn each version `apt-cache showsrc` lists: a mirror
# may list a version (a security update, say) whose files it no longer
# serves, while the archive's own release still has the same tarball.
#
#   scripts/fetch-debian-source.sh PACKAGE TARBALL SHA256 DIR
#
# Order: versions without a point or security suffix (+debNuM) first, then
# the rest, each in the order apt lists them. Exits 0 once DIR/TARBALL exists
# with the expected SHA-256; otherwise exits 1 naming every version tried and
# why each failed. Needs deb-src entries (scripts/ci/install-python-wasm.sh).
set -euo pipefail

if [ $# -ne 4 ]; then
	echo "usage: $0 PACKAGE TARBALL SHA256 DIR" >&2
	exit 2
fi
pkg=$1 tarball=$2 want=$3 dir=$4
name="fetch-debian-source: $pkg"

sha_of() { sha256sum "$1" | cut -d' ' -f1; }

mkdir -p "$dir"
if [ -f "$dir/$tarball" ] && [ "$(sha_of "$dir/$tarball")" = "$want" ]; then
	exit 0
fi

listed=$(apt-cache showsrc "$pkg" 2>/dev/null | sed -n 's/^Version: *//p' | awk 'NF && !seen[$0]++') || true
if [ -z "$listed" ]; then
	echo "$name: apt-cache showsrc lists no version; run scripts/ci/install-python-wasm.sh (adds deb-src entries)" >&2
	exit 1
fi
versions=$(
	printf '%s\n' "$listed" | grep -v '+deb' || true
	printf '%s\n' "$listed" | grep '+deb' || true
)

tried=()
for v in $versions; do
	work=$(mktemp -d "$dir/.fetch.XXXXXX")
	# apt-get source may fail on a missing .dsc revision once the tarball
	# itself has arrived: only the tarball matters.
	(cd "$work" && apt-get source -qq --download-only "$pkg=$v") >"$work/.log" 2>&1 || true
	if [ ! -f "$work/$tarball" ]; then
		why=$(grep -E '^(E|W|Err):|404|Failed' "$work/.log" | tail -1 | cut -c1-160)
		tried+=("$v (no $tarball: ${why:-apt-get source fetched nothing})")
	elif got=$(sha_of "$work/$tarball") && [ "$got" != "$want" ]; then
		tried+=("$v (SHA-256 $got, want $want)")
	else
		mv "$work/$tarball" "$dir/$tarball"
		rm -rf "$work"
		echo "$name: fetched $tarball (version $v)"
		exit 0
	fi
	rm -rf "$work"
done

echo "$name: could not fetch $tarball; tried ${#tried[@]} version(s):" >&2
for t in "${tried[@]}"; do
	echo "  $t" >&2
done
exit 1
