#!/usr/bin/env bash
# Installs what scripts/build-python-wasm.sh needs to build CPython for
# wasm32-wasi offline: Debian's clang/lld/llvm 19, wasi-libc, a native C
# toolchain for the build python, and deb-src entries so `apt-get source`
# can fetch the pristine CPython, zlib and bzip2 tarballs. Idempotent.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

need=""
for pkg in clang-19 lld-19 llvm-19 libclang-rt-19-dev-wasm32 wasi-libc gcc make pkg-config dpkg-dev; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || need="$need $pkg"
done

# Source packages come from the mirrors apt already uses, as deb-src.
src_added=""
if ! grep -rqs -e '^Types:.*deb-src' -e '^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	if [ -f /etc/apt/sources.list.d/debian.sources ]; then
		sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources \
			>/etc/apt/sources.list.d/debian-src.sources
	elif [ -f /etc/apt/sources.list ]; then
		sed -n 's/^deb /deb-src /p' /etc/apt/sources.list >/etc/apt/sources.list.d/debian-src.list
	fi
	src_added=yes
fi

[ -z "$need" ] && [ -z "$src_added" ] && exit 0

apt_opts=(-o DPkg::Lock::Timeout=600)
if [ -n "$src_added" ] || [ -z "$(ls /var/lib/apt/lists/*_Packages 2>/dev/null)" ]; then
	apt-get "${apt_opts[@]}" update -qq
fi
if [ -n "$need" ]; then
	apt-get "${apt_opts[@]}" install -y -qq $need >/dev/null
fi
