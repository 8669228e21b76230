#!/usr/bin/env bash
# Runs asi's benchmarks (`make bench`) and writes what the docs quote into
# docs/measurements/<group>.txt: the command, the date, the machine, the
# load average before and after, benchstat's summary (the median of COUNT
# runs with its 95% confidence interval) and the raw `go test -bench`
# output it summarises. With group names as arguments, only those run:
#
#   scripts/bench.sh                  # every group (hours on 2 cores)
#   scripts/bench.sh engine demo      # some
#   COUNT=3 scripts/bench.sh workers  # fewer runs
#
# Groups: engine workers coldstart demo examples core plugins sandbox cognition
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
COUNT=${COUNT:-5}
OUT=docs/measurements
BENCHSTAT=golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da

# command_of prints the command a group runs.
command_of() {
	local b="$GO test -run '^\$' -count $COUNT"
	case $1 in
	engine) echo "ASI_BENCH_LARGE=1 $b -bench EngineRun -benchtime 2000x -timeout 120m ./faults" ;;
	workers) echo "$b -bench WorkerEfficiency -benchtime 1x -timeout 60m ./faults" ;;
	coldstart) echo "$b -bench ColdStart ./faults" ;;
	demo) echo "$b -bench 'ExampleCampaign/circle-packing\$' -benchtime 1x -timeout 120m ./faults" ;;
	examples) echo "$b -bench 'ExampleCampaign/(circle-packing-python|data-curation|optimizer)\$' -benchtime 1x -timeout 180m ./faults" ;;
	core) echo "$b -bench . ./core/engine ./core/sampling" ;;
	plugins) echo "$b -bench . ./plugins" ;;
	sandbox) echo "$b -bench . -timeout 120m ./sandbox" ;;
	cognition) echo "ASI_BENCH_LARGE=1 $b -bench . -timeout 180m ./cognition" ;;
	*) return 1 ;;
	esac
}

groups=("$@")
if [ ${#groups[@]} -eq 0 ]; then
	groups=(engine workers coldstart demo examples core plugins sandbox cognition)
fi
for g in "${groups[@]}"; do
	command_of "$g" >/dev/null || { echo "bench.sh: unknown group $g" >&2; exit 2; }
done

mkdir -p "$OUT"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')
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
		echo
		echo "## summary: median ± 95% confidence interval of $COUNT runs (benchstat)"
		echo
		"$GO" run "$BENCHSTAT" "$g=$tmp/$g" 2>&1 || echo "(benchstat unavailable: read the raw output)"
		echo
		echo "## raw output"
		echo
		cat "$tmp/$g"
	} >"$OUT/$g.txt"
	echo "== wrote $OUT/$g.txt"
done
