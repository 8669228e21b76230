#!/usr/bin/env bash
# Runs each fuzz target PKG:FUNC given as an argument for FUZZTIME.
# New crashers land in testdata/fuzz/. A run that ends with Go's bare
# "context deadline exceeded" and wrote no failing input is the fuzz
# coordinator's shutdown race at the end of -fuzztime (go.dev/issue/75804,
# fixed in Go 1.27), not a finding: it is run once more; any other failure
# fails at once.
set -uo pipefail
cd "$(dirname "$0")/.."
go=${GO:-go}
fuzztime=${FUZZTIME:-10s}
for target in "$@"; do
	pkg=${target%%:*} fn=${target##*:} dir=.
	if [ "$pkg" = sdk ]; then
		dir=sdk pkg=.
	fi
	for attempt in 1 2; do
		echo "fuzz $pkg $fn for $fuzztime"
		out=$(cd "$dir" && "$go" test -run '^$' -fuzz "^$fn\$" -fuzztime "$fuzztime" "$pkg" 2>&1)
		status=$?
		echo "$out"
		[ "$status" = 0 ] && break
		if [ "$attempt" = 1 ] && grep -q 'context deadline exceeded' <<<"$out" && ! grep -q 'Failing input written' <<<"$out"; then
			echo "fuzz: $fn stopped on the coordinator's deadline race with no failing input; running it once more"
			continue
		fi
		exit 1
	done
done
