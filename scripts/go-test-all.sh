#!/usr/bin/env bash
# Runs `go test -json` over the asi module, the sdk module and each of the
# sdk's examples, one stream on stdout for gotestsum (`make test`). Exits 1
# when any run failed, after running them all.
set -uo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
status=0
"$GO" test -json -count=1 -timeout 30m ./... || status=1
# The databases once more on the SQLite a build without a C compiler uses
# (internal/sqlitedb/driver_purego.go); the run above used cgo's.
CGO_ENABLED=0 "$GO" test -json -count=1 ./internal/sqlitedb ./core/store ./cognition || status=1
(cd sdk && "$GO" test -json -count=1 ./...) || status=1
for d in sdk/examples/*/; do
	(cd "$d" && "$GO" test -json -count=1 ./...) || status=1
done
exit $status
