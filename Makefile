# asi — the two commands a new user needs are `make demo` and `make test`.

GO        ?= go
BIN       := bin/asi
DEMO_DIR  := .asi/demo

# asi is built with cgo wherever a C compiler is present, which compiles in
# NVML for the gpu executor (libnvidia-ml is loaded at run time, so a
# machine without a driver still runs asi). NVML's header marks functions
# asi never calls as deprecated; their warnings would bury the build output.
export CGO_CFLAGS ?= -O2 -g -Wno-deprecated-declarations

.PHONY: all build demo test test-faults fuzz python-wasm protobuf bench fmt lint check clean

all: build

# bin/asi and every task plugin beside it (bin/asi-task-<name>), where asi
# finds them; then the sandbox's JavaScript interpreter, built once per
# machine into the cache (about a minute the first time, nothing after).
build:
	$(GO) build -o $(BIN) ./cmd/asi
	@for d in tasks/*/; do [ -f $$d/main.go ] || continue; n=$$(basename $$d); echo "$(GO) build -o bin/asi-task-$$n ./$$d"; $(GO) build -o bin/asi-task-$$n ./$$d || exit 1; done
	$(BIN) sandbox prepare javascript

# Runs the circle-packing campaign offline: no key, no server, no network.
demo: build
	rm -rf $(DEMO_DIR)
	$(BIN) apply -state $(DEMO_DIR) hcl-examples/circle-packing.hcl
	@echo
	@echo "Results: $(DEMO_DIR)/campaign.db  (try: $(BIN) status -state $(DEMO_DIR); $(BIN) best -state $(DEMO_DIR))"

# Every test of the three modules (asi, sdk, the sdk's examples) in one run
# through gotestsum, which ends with a summary: tests passed, failed and
# skipped, each skipped test named with its reason. Under CI=true (or
# ASI_REQUIRE_ALL=1) a suite whose tool, server or root is missing fails
# instead of skipping (internal/testenv); only the GPU tests may skip.
GOTESTSUM_VERSION := v1.13.0
TOOLS_BIN         := $(CURDIR)/bin/tools
GOTESTSUM         := $(TOOLS_BIN)/gotestsum-$(GOTESTSUM_VERSION)

$(GOTESTSUM):
	GOBIN=$(TOOLS_BIN) $(GO) install gotest.tools/gotestsum@$(GOTESTSUM_VERSION)
	mv $(TOOLS_BIN)/gotestsum $@

test: python-wasm build $(GOTESTSUM)
	$(GO) vet ./...
	cd sdk && $(GO) vet ./...
	@for d in sdk/examples/*/; do echo "cd $$d && go vet ./..."; (cd $$d && $(GO) vet ./...) || exit 1; done
	$(MAKE) fuzz FUZZTIME=3s
	@mkdir -p .asi
	$(GOTESTSUM) --format pkgname-and-test-fails --format-hide-empty-pkg --jsonfile .asi/test-events.json \
		--raw-command -- env GO=$(GO) scripts/go-test-all.sh

# The fault suite (faults/, docs/reliability.md): kills, a faulty LLM
# server, misbehaving plugins, a full disk, leaked secrets. `make test` runs
# it with ./...; this target runs it alone, verbosely.
test-faults:
	$(GO) test -count=1 -timeout 15m -v ./faults

# Each fuzz target for FUZZTIME; new crashers land in testdata/fuzz/
# (scripts/fuzz.sh runs a target once more after Go's deadline race).
FUZZTIME ?= 10s
FUZZ_TARGETS := ./core/campaign:FuzzParse ./core/diffs:FuzzParseReply ./core/diffs:FuzzParseBlocks \
	./core/diffs:FuzzApply ./core/diffs:FuzzFormatBlocks ./tasks/circlepacking:FuzzScore sdk:FuzzDescribeFromWire \
	./core/store:FuzzDecodeMetrics ./core/draft:FuzzParse ./core/redteam:FuzzParsePrograms ./core/redteam:FuzzParseOutput
fuzz:
	GO=$(GO) FUZZTIME=$(FUZZTIME) scripts/fuzz.sh $(FUZZ_TARGETS)

# CPython for wasm32-wasi, the sandbox's python guest: built once per machine
# into the user's cache (scripts/ci/install-python-wasm.sh installs the tools).
python-wasm:
	scripts/build-python-wasm.sh

# Regenerates sdk/protocol from sdk/proto with pinned generators
# (protoc itself: apt-get install protobuf-compiler).
PROTOC_GEN_GO      := google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12
PROTOC_GEN_GO_GRPC := google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.6.2
PROTO_BIN          := $(CURDIR)/bin/protoc-plugins

protobuf:
	GOBIN=$(PROTO_BIN) $(GO) install $(PROTOC_GEN_GO)
	GOBIN=$(PROTO_BIN) $(GO) install $(PROTOC_GEN_GO_GRPC)
	cd sdk && PATH=$(PROTO_BIN):$$PATH protoc -I proto \
		--go_out=. --go_opt=module=github.com/asi-evolve/asi/sdk \
		--go-grpc_out=. --go-grpc_opt=module=github.com/asi-evolve/asi/sdk \
		asi/task/v1/task.proto asi/executor/v1/executor.proto

# Every benchmark, COUNT runs each (default 5), written with its command,
# date, machine, load and each figure's median, lowest and highest into
# docs/measurements/<group>.txt, the files the docs quote (hours on 2
# cores: the 100k-node store, the 100k-item Weaviate import and the example
# campaigns). BENCH="engine demo" runs some groups; scripts/bench.sh lists them.
BENCH ?=
bench:
	GO=$(GO) scripts/bench.sh $(BENCH)

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
