#!/usr/bin/env bash
# Checks the gpu executor on a machine with an NVIDIA GPU, in one command
# (a few minutes at most): real NVML discovery, then one tiny CUDA PyTorch
# job placed through CUDA_VISIBLE_DEVICES. It fails, rather than skips, when
# no GPU is found. Needs Go, gcc (cgo) and a python3 with CUDA PyTorch;
# ASI_GPU_PYTHON picks another python. It runs the default build, as
# `make build` makes it (NVML compiled in through cgo), then asks that asi
# which GPUs its gpu executor sees.
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="/usr/local/go/bin:$PATH"
export CGO_CFLAGS="-O2 -g -Wno-deprecated-declarations"
go build -o bin/asi ./cmd/asi
bin/asi plugins | sed -n '/^Built-in executors/,$p'
if command -v nvidia-smi >/dev/null 2>&1; then
	nvidia-smi --query-gpu=index,name,memory.total,memory.used,utilization.gpu --format=csv
fi
ASI_REQUIRE_GPU=1 timeout 290 go test -count=1 -v \
	-run 'TestNVMLDiscovery|TestGPUTorchJob|TestGPUWithoutDriver|TestPick|TestGPUPlacement' \
	./plugins/executor/ 2>&1 | grep -v -e 'cgo-gcc-prolog' -e 'deprecated' -e 'nvml.h' -e '^ *[0-9]* |' -e '^ *|' -e 'In function' -e 'In file included'

# The linearattention task's verify stage: a DeltaNet model of a few
# million parameters trained on CUDA through the gpu executor, then
# measured by its separate evaluation job.
ASI_REQUIRE_GPU=1 timeout 280 go test -count=1 -v \
	-run 'TestVerifyStageGPU' ./tasks/linearattention/ 2>&1 | grep -v -e 'cgo-gcc-prolog' -e 'deprecated' -e 'nvml.h' -e '^ *[0-9]* |' -e '^ *|' -e 'In function' -e 'In file included'
