#!/usr/bin/env bash
# Builds the Weaviate server that the cognition store tests run against and
# caches the binary; does nothing when the cached binary is already there.
# Tests look for it at $ASI_WEAVIATE_BIN or at the cache path below.
set -euo pipefail

version=v1.35.2
dir="${ASI_WEAVIATE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/asi/weaviate/$version}"
bin="$dir/weaviate-server"

# The tests run the server in a network namespace: they need unshare
# (util-linux) and ip (iproute2) to bring its loopback up.
if ! command -v ip >/dev/null 2>&1; then
	sudo=""
	[ "$(id -u)" != 0 ] && sudo="sudo"
	if [ -z "$(ls /var/lib/apt/lists/*_Packages* 2>/dev/null)" ]; then
		$sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
	fi
	DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq iproute2 >/dev/null
fi

if [ -x "$bin" ]; then
	echo "weaviate-server $version: cached at $bin"
	exit 0
fi

mkdir -p "$dir"
echo "weaviate-server $version: building (several minutes the first time)"
# Build outside any module so the project's go.mod is not consulted.
(cd "$dir" && GOFLAGS=-mod=mod GOBIN="$dir" go install "github.com/weaviate/weaviate/cmd/weaviate-server@$version")
echo "weaviate-server $version: built at $bin"
