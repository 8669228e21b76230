#!/usr/bin/env bash
# Builds CPython 3.11 for wasm32-wasi (WASI preview 1), the interpreter of the
# sandbox's "python" toolchain, from Debian's pristine source tarballs with
# Debian's clang/lld 19 and wasi-libc. No wasi-sdk, no source patches.
#
#   scripts/build-python-wasm.sh          build unless already built
#   scripts/build-python-wasm.sh --print  print the output directory only
#
# Output (what the sandbox mounts; see sandbox/python.go):
#   $CACHE/python-wasm/<version>-<recipe>/python.wasm        stripped
#   $CACHE/python-wasm/<version>-<recipe>/lib/python3.11/    trimmed, .pyc
# where $CACHE is $ASI_CACHE_DIR, else the user's cache directory + /asi, and
# <recipe> is the first 12 hex digits of this file's SHA-256: any change to
# the recipe builds a new runtime, an unchanged one is built once per machine.
# sandbox.PythonRecipe must equal <recipe> (a test in sandbox checks it).
#
# Tools: scripts/ci/install-python-wasm.sh. About 5 minutes on 2 cores.
set -euo pipefail

PY_VERSION=3.11.2
PY_TARBALL=python3.11_${PY_VERSION}.orig.tar.gz
PY_SHA256=2411c74bda5bbcfcddaf4531f66d1adc73f247f529aee981b029513aefdbf849
ZLIB_TARBALL=zlib_1.2.13.dfsg.orig.tar.bz2
ZLIB_SHA256=71feb7947e3c00ef125f83b79a4e529bde31171e5babe48b391f06758d1ab0a1
BZIP2_TARBALL=bzip2_1.0.8.orig.tar.gz
BZIP2_SHA256=ab5a03176ee106d3f0fa90e381da478ddae405918153cca248e682cd0c4a2269

here=$(cd "$(dirname "$0")" && pwd)
recipe=$(sha256sum "$here/$(basename "$0")" | cut -c1-12)

cache=${ASI_CACHE_DIR:-}
if [ -z "$cache" ]; then
	case "$(uname -s)" in
	Darwin) cache="$HOME/Library/Caches/asi" ;;
	*) cache="${XDG_CACHE_HOME:-$HOME/.cache}/asi" ;;
	esac
fi
out="$cache/python-wasm/$PY_VERSION-$recipe"

if [ "${1:-}" = "--print" ]; then
	echo "$out"
	exit 0
fi
if [ -f "$out/.complete" ]; then
	echo "python-wasm: already built: $out"
	exit 0
fi

for tool in clang-19 wasm-ld-19 llvm-ar-19 llvm-ranlib-19 llvm-strip-19 cc make; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "python-wasm: $tool not found; run scripts/ci/install-python-wasm.sh" >&2
		exit 1
	fi
done
if [ ! -d /usr/include/wasm32-wasi ] || [ ! -d /usr/lib/wasm32-wasi ]; then
	echo "python-wasm: wasi-libc not found; run scripts/ci/install-python-wasm.sh" >&2
	exit 1
fi

# Sources and the native build python survive between recipes (they do not
# depend on it); the cross build starts clean each time.
work="$cache/python-wasm/work-$PY_VERSION"
mkdir -p "$work/src"
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
log="$work/log"
mkdir -p "$log"
t0=$(date +%s)
step() { echo "python-wasm: [$(($(date +%s) - t0))s] $*"; }

fetch() { # fetch SOURCE-PACKAGE TARBALL SHA256: the pristine tarball via apt
	"$here/fetch-debian-source.sh" "$1" "$2" "$3" "$work/src"
}

step "sources"
fetch python3.11 "$PY_TARBALL" "$PY_SHA256"
fetch zlib "$ZLIB_TARBALL" "$ZLIB_SHA256"
fetch bzip2 "$BZIP2_TARBALL" "$BZIP2_SHA256"
src="$work/Python-$PY_VERSION"
[ -d "$src" ] || tar -xzf "$work/src/$PY_TARBALL" -C "$work"

# wasi-libc alone as the sysroot: without --sysroot clang also searches the
# host's /usr/include, and configure then "finds" glibc-only headers.
sysroot="$work/sysroot"
mkdir -p "$sysroot/include" "$sysroot/lib"
ln -sfn /usr/include/wasm32-wasi "$sysroot/include/wasm32-wasi"
ln -sfn /usr/lib/wasm32-wasi "$sysroot/lib/wasm32-wasi"
wcc="clang-19 --target=wasm32-wasi --sysroot=$sysroot"

# zlib and bzip2 as static wasm libraries, compiled file by file (their
# build systems do not know wasm32-wasi; the C is portable).
step "zlib, bzip2"
deps="$work/deps"
mkdir -p "$deps/include" "$deps/lib"
if [ ! -f "$deps/lib/libz.a" ]; then
	d=$(mktemp -d "$work/zlib.XXXX")
	tar -xjf "$work/src/$ZLIB_TARBALL" -C "$d" --strip-components=1
	for f in adler32 compress crc32 deflate gzclose gzlib gzread gzwrite infback \
		inffast inflate inftrees trees uncompr zutil; do
		$wcc -O2 -w -D_LARGEFILE64_SOURCE=1 -DHAVE_HIDDEN -c "$d/$f.c" -o "$d/$f.o"
	done
	cp "$d/zlib.h" "$d/zconf.h" "$deps/include/"
	llvm-ar-19 rcs "$deps/lib/libz.a" "$d"/*.o
	rm -rf "$d"
fi
if [ ! -f "$deps/lib/libbz2.a" ]; then
	d=$(mktemp -d "$work/bzip2.XXXX")
	tar -xzf "$work/src/$BZIP2_TARBALL" -C "$d" --strip-components=1
	for f in blocksort bzlib compress crctable decompress huffman randtable; do
		$wcc -O2 -w -D_FILE_OFFSET_BITS=64 -c "$d/$f.c" -o "$d/$f.o"
	done
	cp "$d/bzlib.h" "$deps/include/"
	llvm-ar-19 rcs "$deps/lib/libbz2.a" "$d"/*.o
	rm -rf "$d"
fi

# A cross build needs a native python of the same version (freeze, install).
step "native build python"
native="$src/builddir/native"
mkdir -p "$native"
(
	cd "$native"
	unset CC CFLAGS
	[ -f Makefile ] || ../../configure -q >"$log/native-configure.txt" 2>&1
	make -j"$jobs" >"$log/native-make.txt" 2>&1
) || {
	tail -30 "$log/native-make.txt" >&2
	exit 1
}
build_py="$native/python"
"$build_py" -c 'import sys; assert sys.version_info[:2] == (3, 11)'

step "cross configure"
cross="$src/builddir/wasi-$recipe"
rm -rf "$src"/builddir/wasi-*
mkdir -p "$cross"
cd "$cross"
export CC="$wcc" CPP="$wcc -E" AR=llvm-ar-19 RANLIB=llvm-ranlib-19
# pkg-config must see nothing of the host.
export PKG_CONFIG_PATH= PKG_CONFIG_LIBDIR="$sysroot/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$sysroot"
export ZLIB_CFLAGS="-I$deps/include" ZLIB_LIBS="-L$deps/lib -lz"
export BZIP2_CFLAGS="-I$deps/include" BZIP2_LIBS="-L$deps/lib -lbz2"
# wasi-libc's clockid_t is a pointer, and clang >= 15 rejects converting it to
# long in Modules/timemodule.c; on wasm32 the values survive, so warn only.
# --with-pymalloc: 3.11 turns it off for WASI, but it works (arenas come
# from malloc) and allocation-heavy code runs 1.5-2x faster with it.
# No clock_nanosleep: time.sleep would use it with an absolute deadline,
# which wazero's poll_oneoff refuses (ENOTSUP); nanosleep is relative.
CONFIG_SITE="$src/Tools/wasm/config.site-wasm32-wasi" \
	CFLAGS="-Wno-error=int-conversion" \
	ac_cv_func_clock_nanosleep=no ac_cv_lib_rt_clock_nanosleep=no \
	../../configure -C \
	--host=wasm32-unknown-wasi \
	--build="$(../../config.guess)" \
	--with-build-python="$build_py" \
	--with-pymalloc \
	--prefix=/usr/local >"$log/wasi-configure.txt" 2>&1 || {
	tail -30 "$log/wasi-configure.txt" >&2
	exit 1
}

step "cross make"
make -j"$jobs" >"$log/wasi-make.txt" 2>&1 || {
	tail -30 "$log/wasi-make.txt" >&2
	exit 1
}

# make install copies Lib/ and byte-compiles it with the build python (same
# magic number). The .pyc files matter: the stdlib is mounted read-only in
# the sandbox, so a guest can never cache a compiled module itself.
step "install, trim"
stage="$work/stage"
rm -rf "$stage"
make install DESTDIR="$stage" >"$log/wasi-install.txt" 2>&1 || {
	tail -30 "$log/wasi-install.txt" >&2
	exit 1
}
tmp="$out.tmp"
rm -rf "$tmp"
mkdir -p "$tmp/lib"
cp -a "$stage/usr/local/lib/python3.11" "$tmp/lib/"
(
	cd "$tmp/lib/python3.11"
	# Tests, GUI and packaging tools: useless in a guest without a terminal,
	# a display, processes or a network.
	rm -rf test idlelib tkinter turtledemo turtle.py ensurepip venv lib2to3 \
		unittest/test ctypes/test sqlite3/test distutils/tests \
		config-3.11-wasm32-wasi site-packages/README.txt
	find . -name '*.opt-1.pyc' -delete
	find . -name '*.opt-2.pyc' -delete
)
# -g is in CPython's default flags; stripping DWARF takes 21 MB to 7 MB.
llvm-strip-19 -o "$tmp/python.wasm" python.wasm
rm -rf "$stage"
rm -rf "$out"
mv "$tmp" "$out"
echo "$PY_VERSION $recipe" >"$out/.complete"
step "built $out ($(du -sh "$out" | cut -f1))"
