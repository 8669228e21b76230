#!/usr/bin/env bash
# Installs what the dashboard's browser test needs: Debian's headless
# Chromium and fonts to render its pages. Idempotent; safe on a bare machine.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
	echo "install-chromium: chromium already installed"
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
	chromium fonts-dejavu-core >/dev/null
echo "install-chromium: installed chromium"
