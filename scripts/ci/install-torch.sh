#!/usr/bin/env bash
# Installs CPU PyTorch for /usr/bin/python3 (Debian's python3-torch), which
# the linearattention task's jobs run, with OpenBLAS: Debian's torch calls
# the generic libblas.so.3, which is the slow reference BLAS until OpenBLAS
# takes over that alternative (about 20x faster matrix products here).
# Idempotent: does nothing when torch imports and OpenBLAS is in place.
set -euo pipefail
if /usr/bin/python3 -c 'import torch, numpy' >/dev/null 2>&1 &&
	ls /usr/lib/*-linux-gnu/openblas-pthread/libblas.so.3 >/dev/null 2>&1; then
	exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
if [ -z "$(ls /var/lib/apt/lists/*_Packages 2>/dev/null)" ]; then
	$SUDO apt-get update -qq
fi
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-torch python3-numpy libopenblas0-pthread >/dev/null
/usr/bin/python3 -c 'import torch; print("torch", torch.__version__)'
