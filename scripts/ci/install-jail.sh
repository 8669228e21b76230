#!/usr/bin/env bash
# Installs what the executors' jails need: Debian's bubblewrap (bwrap), and
# util-linux's setpriv and prlimit, which jobs run through inside the jail.
# Then says whether bwrap can make a jail here: in some containers
# namespaces are forbidden, and jobs run unjailed (the hostile suite in
# plugins/executor fails under CI, naming why). Idempotent.
set -euo pipefail

if ! command -v bwrap >/dev/null 2>&1 || ! command -v setpriv >/dev/null 2>&1 ||
	! command -v prlimit >/dev/null 2>&1; then
	sudo=""
	if [ "$(id -u)" != 0 ]; then
		sudo="sudo"
	fi
	if [ -z "$(ls /var/lib/apt/lists/*_Packages* 2>/dev/null)" ]; then
		$sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
	fi
	DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
		--no-install-recommends bubblewrap util-linux >/dev/null
	echo "install-jail: installed bubblewrap, util-linux"
else
	echo "install-jail: bubblewrap and util-linux already installed"
fi

if ! out=$(bwrap --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib --symlink usr/lib64 /lib64 \
	--proc /proc --dev /dev --unshare-pid --unshare-net --unshare-ipc --unshare-uts /usr/bin/true 2>&1); then
	echo "install-jail: warning: $(bwrap --version) is installed but cannot make a jail here: $out" >&2
	exit 0
fi
echo "install-jail: $(bwrap --version) makes jails here"
