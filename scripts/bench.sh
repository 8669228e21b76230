#!/usr/bin/env bash
# Runs asi's benchmarks (`make bench`) and writes what the docs quote into
# docs/measurements/<group>.txt: the command, the date, the machine, the
# load average before and after, a summary (for each benchmark and unit the
# median, lowest and highest value of COUNT runs) and the raw `go test
# -bench` output it summarises. With group names as arguments, only those run:
#
#   scripts/bench.sh                  # every group (hours on 2 cores)
#   scripts/bench.sh engine demo      # some
#   COUNT=3 scripts/bench.sh workers  # fewer runs
#
# With BASE set to a commit, each group instead runs COUNT times at that
# commit (a git worktree) and COUNT times in this tree, one run at a time,
# alternating, and writes docs/measurements/<group>-vs-<commit>.txt: both
# summaries and, for each figure, the ratio of this tree's median to the
# base's. Figures from different hours of a shared machine differ by a
# third; a ratio from one alternating session does not carry that.
#
#   BASE=303d88f COUNT=3 scripts/bench.sh step
#
# Groups: step engine scale apply manyworkers workers coldstart demo
# examples core plugins python sandbox cognition, and baselines: not a
# benchmark but the linear-attention task's training of its four baselines
# (TestBaselinesExplore, needs torch), whose log is the README's table.
# Not run by default: embedded, the embedded cognition store's search
# alone (part of cognition, without the Weaviate server), for comparisons.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
COUNT=${COUNT:-5}
OUT=docs/measurements

# summary prints, for every benchmark and unit of `go test -bench` output
# on stdin, the number of runs, the median, and the lowest and highest value.
summary() {
	awk '
/^Benchmark/ {
	name = $1
	sub(/^Benchmark/, "", name)
	for (i = 3; i < NF; i += 2) {
		key = name SUBSEP $(i + 1)
		if (!(key in n)) order[++keys] = key
		v[key, ++n[key]] = $i + 0
	}
}
function fmt(x) {
	if (x >= 1e5 || x <= -1e5 || x == int(x)) return sprintf("%.0f", x)
	return sprintf("%.4g", x)
}
END {
	printf "%-44s %-16s %4s %12s %12s %12s\n", "benchmark", "unit", "runs", "median", "min", "max"
	for (k = 1; k <= keys; k++) {
		key = order[k]
		split(key, parts, SUBSEP)
		m = n[key]
		for (i = 1; i <= m; i++) s[i] = v[key, i]
		for (i = 2; i <= m; i++) { x = s[i]; j = i - 1; while (j > 0 && s[j] > x) { s[j + 1] = s[j]; j-- }; s[j + 1] = x }
		med = (m % 2) ? s[(m + 1) / 2] : (s[m / 2] + s[m / 2 + 1]) / 2
		printf "%-44s %-16s %4d %12s %12s %12s\n", parts[1], parts[2], m, fmt(med), fmt(s[1]), fmt(s[m])
	}
}
	'
}

# command_of prints the command a group runs.
command_of() {
	local b="$GO test -run '^\$' -count $COUNT"
	case $1 in
	engine) echo "ASI_BENCH_LARGE=1 $b -bench EngineRun -benchtime 2000x -timeout 120m ./faults" ;;
	step) echo "ASI_BENCH_LARGE=1 $b -bench Step -benchtime 20000x -timeout 60m ./core/engine ./core/store" ;;
	scale) echo "ASI_BENCH_LARGE=1 $b -bench ResumeLarge -benchtime 1x -timeout 180m ./faults" ;;
	apply) echo "$b -bench ApplySteady -benchtime 2000x -timeout 60m ./faults" ;;
	manyworkers) echo "$b -bench ManyWorkers -benchtime 1x -timeout 60m ./faults" ;;
	python) echo "$b -bench Python -timeout 60m ./sandbox" ;;
	workers) echo "$b -bench WorkerEfficiency -benchtime 1x -timeout 60m ./faults" ;;
	coldstart) echo "$b -bench ColdStart ./faults" ;;
	demo) echo "$b -bench 'ExampleCampaign/circle-packing\$' -benchtime 1x -timeout 120m ./faults" ;;
	examples) echo "$b -bench 'ExampleCampaign/(circle-packing-python|data-curation|optimizer)\$' -benchtime 1x -timeout 180m ./faults" ;;
	core) echo "$b -bench . ./core/sampling" ;;
	plugins) echo "$b -bench . ./plugins" ;;
	sandbox) echo "$b -bench . -timeout 120m ./sandbox" ;;
	cognition) echo "ASI_BENCH_LARGE=1 $b -bench . -timeout 180m ./cognition" ;;
	embedded) echo "$b -bench EmbeddedSearch ./cognition" ;;
	baselines) echo "$GO test -count 1 -run 'TestBaselinesExplore\$' -v -timeout 120m ./tasks/linearattention" ;;
	*) return 1 ;;
	esac
}

groups=("$@")
if [ ${#groups[@]} -eq 0 ]; then
	groups=(step engine scale apply manyworkers workers coldstart demo examples core plugins python sandbox cognition baselines)
fi
for g in "${groups[@]}"; do
	command_of "$g" >/dev/null || { echo "bench.sh: unknown group $g" >&2; exit 2; }
done

mkdir -p "$OUT"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')

# ratios prints, for each benchmark and unit in both summaries (this tree's
# in $1, the base's in $2), this tree's median over the base's.
ratios() {
	awk '
FNR == 1 { file++ }
$1 == "benchmark" || NF < 6 { next }
file == 1 { this[$1 SUBSEP $2] = $4; order[++n] = $1 SUBSEP $2 }
file == 2 { base[$1 SUBSEP $2] = $4 }
END {
	printf "%-44s %-16s %12s %12s %8s\n", "benchmark", "unit", "this", "base", "ratio"
	for (i = 1; i <= n; i++) {
		k = order[i]
		if (!(k in base) || base[k] + 0 == 0) continue
		split(k, parts, SUBSEP)
		printf "%-44s %-16s %12s %12s %8.3f\n", parts[1], parts[2], this[k], base[k], this[k] / base[k]
	}
}' "$1" "$2"
}

if [ -n "${BASE:-}" ]; then
	base=$(git rev-parse --short "$BASE")
	git worktree add --detach "$tmp/base" "$base" >/dev/null
	trap 'git worktree remove --force "$tmp/base"; rm -rf "$tmp"' EXIT
	for g in "${groups[@]}"; do
		cmd=$(COUNT=1 command_of "$g")
		echo "== $g: $cmd, at $base and here in turn, $COUNT times"
		before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
		date=$(date -u +%Y-%m-%dT%H:%MZ)
		: >"$tmp/$g.this"
		: >"$tmp/$g.base"
		for _ in $(seq "$COUNT"); do
			(cd "$tmp/base" && bash -c "$cmd") 2>&1 | tee -a "$tmp/$g.base"
			bash -c "$cmd" 2>&1 | tee -a "$tmp/$g.this"
		done
		after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
		summary <"$tmp/$g.this" >"$tmp/$g.this.summary"
		summary <"$tmp/$g.base" >"$tmp/$g.base.summary"
		{
			echo "# asi benchmarks: $g, this tree against $base"
			echo "# command: BASE=$base COUNT=$COUNT scripts/bench.sh $g (each run: $cmd)"
			echo "# this tree: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . || echo ' with uncommitted changes')"
			echo "# date: $date; $($GO version | cut -d' ' -f3-); $(nproc) CPUs ($cpu)"
			echo "# load average (1, 5, 15 min) before: $before; after: $after"
			echo
			echo "## ratio of the medians, this tree over $base"
			echo
			ratios "$tmp/$g.this.summary" "$tmp/$g.base.summary"
			echo
			echo "## summary: this tree, median, lowest and highest of $COUNT runs"
			echo
			cat "$tmp/$g.this.summary"
			echo
			echo "## summary: $base, median, lowest and highest of $COUNT runs"
			echo
			cat "$tmp/$g.base.summary"
			echo
			echo "## raw output, this tree"
			echo
			cat "$tmp/$g.this"
			echo
			echo "## raw output, $base"
			echo
			cat "$tmp/$g.base"
		} >"$OUT/$g-vs-$base.txt"
		echo "== wrote $OUT/$g-vs-$base.txt"
	done
	exit 0
fi
for g in "${groups[@]}"; do
	cmd=$(command_of "$g")
	echo "== $g: $cmd"
	before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
	date=$(date -u +%Y-%m-%dT%H:%MZ)
	status=0
	bash -c "$cmd" 2>&1 | tee "$tmp/$g" || status=$?
	after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
	{
		echo "# asi benchmarks: $g"
		echo "# command: $cmd"
		echo "# date: $date; $($GO version | cut -d' ' -f3-); $(nproc) CPUs ($cpu)"
		echo "# load average (1, 5, 15 min) before: $before; after: $after"
		[ "$status" = 0 ] || echo "# the command FAILED (exit $status): the figures below are partial"
		if [ "$g" != baselines ]; then
			echo
			echo "## summary: median, lowest and highest of $COUNT runs"
			echo
			summary <"$tmp/$g"
		fi
		echo
		echo "## raw output"
		echo
		cat "$tmp/$g"
	} >"$OUT/$g.txt"
	echo "== wrote $OUT/$g.txt"
done
