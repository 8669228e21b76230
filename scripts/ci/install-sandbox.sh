#!/usr/bin/env bash
# Installs what the sandbox's C guest tests need: clang 19 with the
# wasm32-wasi target and WASI libc. Idempotent; safe on a bare machine.
set -euo pipefail

if command -v clang-19 >/dev/null 2>&1 && [ -e /usr/lib/wasm32-wasi/libc.a ] &&
	ls /usr/lib/llvm-19/lib/clang/19/lib/wasi/libclang_rt.builtins-wasm32.a >/dev/null 2>&1; then
	echo "install-sandbox: clang-19 and wasi-libc already installed"
	exit 0
fi

sudo=""
if [ "$(id -u)" != 0 ]; then
	sudo="sudo"
fi
if [ -z "$(ls /var/lib/apt/lists/*_Packages* 2>/dev/null)" ]; then
	$sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
fi
DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
	clang-19 lld-19 libclang-rt-19-dev-wasm32 wasi-libc >/dev/null
echo "install-sandbox: installed clang-19, lld-19, libclang-rt-19-dev-wasm32, wasi-libc"
