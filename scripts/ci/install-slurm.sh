#!/usr/bin/env bash
# Installs what the slurm executor's tests need: Debian's Slurm (slurmctld,
# slurmd, the client commands) and munge. The tests start a one-node cluster
# on loopback themselves; this script only installs. Idempotent.
set -euo pipefail

if command -v slurmctld >/dev/null 2>&1 && command -v slurmd >/dev/null 2>&1 &&
	command -v sbatch >/dev/null 2>&1 && command -v munged >/dev/null 2>&1; then
	echo "install-slurm: slurm and munge already installed"
	exit 0
fi

sudo=""
if [ "$(id -u)" != 0 ]; then
	sudo="sudo"
fi
if [ -z "$(ls /var/lib/apt/lists/*_Packages* 2>/dev/null)" ]; then
	$sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
fi
# The packages' own services are not started here (no init on CI machines);
# the tests run their own daemons with their own configuration.
DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
	--no-install-recommends slurm-wlm slurmctld slurmd slurm-client munge >/dev/null
echo "install-slurm: installed slurm-wlm, slurmctld, slurmd, slurm-client, munge"
