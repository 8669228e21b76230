# asi — the two commands a new user needs are `make demo` and `make test`.

GO        ?= go
BIN       := bin/asi
BENCH_OUT ?= benchmarks/latest.txt
DEMO_DIR  := .asi/demo

.PHONY: all build demo test bench fmt lint check clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/asi

# Runs the circle-packing campaign offline: no key, no server, no network.
demo: build
	rm -rf $(DEMO_DIR)
	$(BIN) apply -state $(DEMO_DIR) hcl-examples/circle-packing.hcl
	@echo
	@echo "Results: $(DEMO_DIR)/campaign.db  (try: $(BIN) status -state $(DEMO_DIR); $(BIN) best -state $(DEMO_DIR))"

test:
	$(GO) vet ./...
	cd sdk && $(GO) vet ./...
	$(GO) test -count=1 -timeout 30m ./...
	cd sdk && $(GO) test -count=1 ./...

bench:
	@mkdir -p $(dir $(BENCH_OUT))
	$(GO) test -run '^$$' -bench . -benchmem -timeout 30m ./... | tee $(BENCH_OUT)
	@echo "Benchmark results written to $(BENCH_OUT)"

fmt:
	gofmt -w $$(git ls-files '*.go')

lint:
	$(GO) vet ./...
	@if command -v staticcheck >/dev/null 2>&1; then staticcheck ./...; else echo "staticcheck not installed; ran go vet only"; fi

# Fails when go.mod is untidy or code is not gofmt'ed.
check:
	$(GO) mod tidy -diff
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)

clean:
	rm -rf bin $(DEMO_DIR)
