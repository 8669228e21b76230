#!/usr/bin/env bash
# Compares the step rate of the working tree with an older commit in one
# run, so both see the same machine load: it builds both versions' engine
# and end-to-end benchmarks, then alternates them COUNT times.
#
#   scripts/bench-compare.sh REF            # e.g. main~3
#   COUNT=6 scripts/bench-compare.sh REF
#
# Prints, per benchmark and version, the median, lowest and highest
# steps/s (engine: 1e9/ns-per-op) and the ratio new/old of the medians.
# Raw output is kept in $OUT (default: a temporary directory, printed).
set -euo pipefail
cd "$(dirname "$0")/.."
ref=${1:?usage: scripts/bench-compare.sh REF}
COUNT=${COUNT:-5}
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"
old=$(mktemp -d)
trap 'git worktree remove --force "$old" >/dev/null 2>&1 || true' EXIT
git worktree add --detach --force "$old" "$ref" >/dev/null

echo "bench-compare: building $ref and the working tree" >&2
for side in old new; do
	src=$PWD
	[ "$side" = old ] && src=$old
	(cd "$src" && go test -c -o "$OUT/$side-engine.test" ./core/engine && go test -c -o "$OUT/$side-faults.test" ./faults)
done

run() { # side dir
	local side=$1 src=$2
	(cd "$src/core/engine" && "$OUT/$side-engine.test" -test.run '^$' -test.bench 'Step' -test.benchtime 2000x) | grep '^Benchmark' >>"$OUT/$side.txt"
	(cd "$src/faults" && "$OUT/$side-faults.test" -test.run '^$' -test.bench 'EngineRun' -test.benchtime 2000x -test.timeout 60m) | grep '^Benchmark' >>"$OUT/$side.txt"
}
: >"$OUT/old.txt"
: >"$OUT/new.txt"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >"$OUT/load.txt"
for i in $(seq "$COUNT"); do
	echo "bench-compare: round $i of $COUNT" >&2
	run old "$old"
	run new "$PWD"
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/load.txt"

# rates prints "benchmark steps/s" lines: the engine's ns/op as steps/s,
# the end-to-end benchmark's own steps/s.
rates() {
	awk '{
		name = $1
		for (i = 3; i < NF; i += 2) {
			if ($(i + 1) == "ns/op" && name ~ /^BenchmarkStep/) print name, 1e9 / $i
			if ($(i + 1) == "steps/s") print name, $i
		}
	}' "$1"
}
stats() { # values on stdin -> "median min max"
	sort -g | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.1f %.1f %.1f\n", m, v[1], v[NR] }'
}
cat "$OUT/load.txt"
printf '%-34s %28s %28s %7s\n' benchmark "old $ref (median min-max)" "working tree (median min-max)" ratio
for name in $(rates "$OUT/new.txt" | cut -d' ' -f1 | sort -u); do
	read -r om olo ohi < <(rates "$OUT/old.txt" | awk -v n="$name" '$1 == n { print $2 }' | stats)
	read -r nm nlo nhi < <(rates "$OUT/new.txt" | awk -v n="$name" '$1 == n { print $2 }' | stats)
	printf '%-34s %12s %15s %12s %15s %7.3f\n' "${name#Benchmark}" "$om" "($olo-$ohi)" "$nm" "($nlo-$nhi)" "$(awk -v a="$nm" -v b="$om" 'BEGIN { print a / b }')"
done
echo "raw output: $OUT" >&2
