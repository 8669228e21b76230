package executor

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// smiQuery is what NvidiaSMI asks for, one GPU per line, in this order.
const smiQuery = "index,uuid,name,memory.total,memory.free,utilization.gpu"

// NvidiaSMI lists GPUs by running the nvidia-smi at path: what a build
// without cgo (so without NVML) uses. Each call runs it once.
func NvidiaSMI(path string) Devices { return nvidiaSMI{path: path} }

type nvidiaSMI struct{ path string }

func (n nvidiaSMI) GPUs() ([]GPUDevice, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, n.path, "--query-gpu="+smiQuery, "--format=csv,noheader,nounits")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		// nvidia-smi prints why on stdout ("NVIDIA-SMI has failed because it
		// couldn't communicate with the NVIDIA driver...").
		why := strings.TrimSpace(stdout.String() + " " + stderr.String())
		return nil, fmt.Errorf("%w: nvidia-smi: %v: %s", ErrNoDriver, err, why)
	}
	return parseNvidiaSMI(stdout.String())
}

// parseNvidiaSMI reads nvidia-smi's CSV (no header, no units; memory in
// MiB). A field it cannot know reads "[N/A]" and is left zero.
func parseNvidiaSMI(out string) ([]GPUDevice, error) {
	var gpus []GPUDevice
	for i, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Split(line, ",")
		if len(f) != 6 {
			return nil, fmt.Errorf("nvidia-smi line %d: %d fields, want 6 (%s): %q", i+1, len(f), smiQuery, line)
		}
		for k := range f {
			f[k] = strings.TrimSpace(f[k])
		}
		index, err := strconv.Atoi(f[0])
		if err != nil {
			return nil, fmt.Errorf("nvidia-smi line %d: index %q: %w", i+1, f[0], err)
		}
		g := GPUDevice{Index: index, UUID: f[1], Name: f[2]}
		g.Memory = mebibytes(f[3])
		g.FreeMemory = mebibytes(f[4])
		g.Utilization, _ = strconv.Atoi(f[5])
		gpus = append(gpus, g)
	}
	return gpus, nil
}

func mebibytes(v string) uint64 {
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0
	}
	return n << 20
}
