#!/usr/bin/env bash
# Installs what the tiny real LLM server test needs (TestTaskNewTinyLlama
# in core/command): Node.js and npm from Debian, and node-llama-cpp with
# its prebuilt CPU binary in ASI_LLAMA_DIR (default ~/.cache/asi/llama,
# outside the repository), beside a copy of the server script from the
# shared folder (ASI_LLM_DIR, default the nearest shared/llm beside the
# repository or a folder above it; the model stays there). Idempotent;
# safe on a bare machine.
set -euo pipefail
cd "$(dirname "$0")/../.."

version=3.21.1
# The nearest shared/llm beside the repository or a folder above it.
llm_dir=${ASI_LLM_DIR:-}
if [ -z "$llm_dir" ]; then
	llm_dir=../shared/llm
	dir=$(pwd)
	while [ "$dir" != / ]; do
		dir=$(dirname "$dir")
		if [ -f "$dir/shared/llm/tiny-go-char.gguf" ]; then
			llm_dir=$dir/shared/llm
			break
		fi
	done
fi
dest=${ASI_LLAMA_DIR:-$HOME/.cache/asi/llama}

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	sudo=""
	if [ "$(id -u)" != 0 ]; then
		sudo="sudo"
	fi
	if [ -z "$(ls /var/lib/apt/lists/*_Packages* 2>/dev/null)" ]; then
		$sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
	fi
	DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq nodejs npm >/dev/null
	echo "install-llama: installed nodejs and npm"
fi

mkdir -p "$dest"
if [ -f "$llm_dir/openai-server.mjs" ]; then
	cp "$llm_dir/openai-server.mjs" "$dest/openai-server.mjs"
else
	echo "install-llama: no $llm_dir/openai-server.mjs (set ASI_LLM_DIR); the test will say so" >&2
fi

installed="$dest/node_modules/node-llama-cpp/package.json"
if [ -f "$installed" ] && grep -q "\"version\": \"$version\"" "$installed"; then
	echo "install-llama: node-llama-cpp $version already in $dest"
	exit 0
fi
cd "$dest"
[ -f package.json ] || npm init -y >/dev/null
npm i -E --omit=optional --no-audit --no-fund \
	"node-llama-cpp@$version" "@node-llama-cpp/linux-x64@$version" >/dev/null
echo "install-llama: installed node-llama-cpp $version in $dest"
