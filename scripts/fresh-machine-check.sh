#!/usr/bin/env bash
# Tries asi the way a newcomer does, with nothing cached: clones the
# repository into a temporary directory and, with an empty HOME, GOMODCACHE,
# GOCACHE and ASI_CACHE_DIR,
#   1. runs `make demo` (the first build included) and times it;
#   2. runs one Go and one JavaScript program with `asi sandbox run`, as
#      `make build` left things;
#   3. runs `CI=true bash .ci/run` (installers, then `make test`) and times it;
#      its test summary must show no skipped test but the GPU ones;
#   4. runs one C and one Python program with `asi sandbox run` (C needs the
#      installers' clang, Python the `make python-wasm` that make test ran).
#
#   scripts/fresh-machine-check.sh [REF]   (default: HEAD of this checkout)
#
# Debian packages the installers add stay installed between runs (they are
# not caches this script can empty). Needs root for .ci/run's installers and
# root-only suites. Ends with one summary line; the full log is kept.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
ref=${1:-HEAD}
root=$(mktemp -d /tmp/asi-fresh.XXXXXX)
log="$root/fresh-machine-check.log"
export PATH="/usr/local/go/bin:/usr/sbin:/usr/bin:/sbin:/bin"
export HOME="$root/home" GOMODCACHE="$root/gomodcache" GOCACHE="$root/gocache" ASI_CACHE_DIR="$root/asi-cache"
export GOPATH="$root/gopath" GOFLAGS="" GOTOOLCHAIN=local
unset XDG_CACHE_HOME ASI_WEAVIATE_BIN ASI_WEAVIATE_CACHE CI ASI_REQUIRE_ALL ASI_LLAMA_DIR
# The tiny model for the real LLM server test lies in the shared folder
# beside this checkout, not beside the temporary clone.
if [ -z "${ASI_LLM_DIR:-}" ] && [ -d "$repo/../shared/llm" ]; then
	export ASI_LLM_DIR=$(cd "$repo/../shared/llm" && pwd)
fi
mkdir -p "$HOME"

say() { echo "fresh-machine-check: $*" | tee -a "$log" >&2; }
fail() {
	say "FAIL: $*"
	say "log: $log"
	exit 1
}
elapsed() { local s=$1; printf '%dm%02ds' $((s / 60)) $((s % 60)); }

git clone -q "$repo" "$root/asi"
git -C "$root/asi" checkout -q "$ref"
cd "$root/asi"
say "clone of $(git rev-parse --short HEAD) in $root/asi; caches empty under $root"

t=$(date +%s)
make demo >>"$log" 2>&1 || fail "make demo (see the log)"
demo_s=$(($(date +%s) - t))
say "make demo: $(elapsed $demo_s), first build included"

printf 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello from go") }\n' >"$root/hello.go"
printf 'console.log("hello from " + "javascript")\n' >"$root/hello.js"
printf '#include <stdio.h>\nint main(void) { puts("hello from c"); return 0; }\n' >"$root/hello.c"
printf 'print("hello from " + "python")\n' >"$root/hello.py"
sandbox_run() { # sandbox_run LANG FILE
	local out
	out=$(bin/asi sandbox run -lang "$1" "$2" 2>>"$log") || fail "asi sandbox run -lang $1: $(tail -3 "$log")"
	[ "$out" = "hello from $1" ] || fail "asi sandbox run -lang $1 printed $out"
	say "asi sandbox run -lang $1: ok"
}
sandbox_run go "$root/hello.go"
sandbox_run javascript "$root/hello.js"

t=$(date +%s)
CI=true bash .ci/run >>"$log" 2>&1 || fail "CI=true bash .ci/run failed after $(elapsed $(($(date +%s) - t))) (see the log)"
ci_s=$(($(date +%s) - t))
summary=$(grep -E '^DONE [0-9]+ tests' "$log" | tail -1)
say ".ci/run: $(elapsed $ci_s), installers and make test included; $summary"
phases=$(grep -E '^ci: \[[0-9]+s\]' "$log" | sed 's/^ci: //' | tr '\n' ';')
say ".ci/run phases: $phases"

events=.asi/test-events.json
[ -s "$events" ] || fail "no test events in $events"
skipped=$(grep '"Action":"skip"' "$events" | grep -o '"Test":"[^"]*"' | sed 's/"Test":"//;s/"$//' | sort -u || true)
not_gpu=$(printf '%s\n' "$skipped" | grep -v -E '^$|GPU|NVML' || true)
[ -z "$not_gpu" ] || fail "tests skipped outside the GPU tests: $(echo $not_gpu)"
say "skipped: $(printf '%s\n' "$skipped" | grep -c . || true) test(s), all GPU: $(echo $skipped)"

sandbox_run c "$root/hello.c"
sandbox_run python "$root/hello.py"

say "PASS: make demo $(elapsed $demo_s); .ci/run $(elapsed $ci_s); $summary; go, javascript, c, python ran in the sandbox"
say "log: $log (remove $root when done)"
