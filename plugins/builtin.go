package plugins

import (
	"fmt"
	"os/exec"
	"strings"

	"github.com/asi-evolve/asi/plugins/executor"
)

// BuiltinExecutor is a built-in executor type as this machine and this
// build of asi give it: `asi plugins` and `asi plan` show it.
type BuiltinExecutor struct {
	Type      string
	Isolation executor.Isolation
	// Detail says why that isolation and, for gpu, how GPUs are found and
	// which were; for slurm, whether the client commands are here.
	Detail string
}

// BuiltinExecutors describes local, gpu and slurm on this machine. It asks
// the GPU driver once (NVML, or nvidia-smi in a build without cgo).
func BuiltinExecutors() []BuiltinExecutor {
	level, why := executor.LocalIsolation(false)
	slurmLevel, slurmWhy := executor.SlurmIsolation("")
	if _, err := exec.LookPath("sbatch"); err != nil {
		slurmWhy += "; sbatch is not on PATH (install Slurm's client commands)"
	}
	return []BuiltinExecutor{
		{Type: executorLocal, Isolation: level, Detail: why},
		{Type: executorGPU, Isolation: level, Detail: why + "; " + gpuDetail()},
		{Type: executorSlurm, Isolation: slurmLevel, Detail: slurmWhy},
	}
}

// gpuDetail names how GPUs are found and what was found.
func gpuDetail() string {
	devs, shutdown := executor.NVML()
	defer shutdown()
	gpus, err := devs.GPUs()
	if err != nil {
		return "GPUs via " + executor.GPUDiscovery + ": " + err.Error()
	}
	names := make([]string, len(gpus))
	for i, g := range gpus {
		names[i] = fmt.Sprintf("%d: %s", g.Index, g.Name)
	}
	return fmt.Sprintf("GPUs via %s: %d found (%s)", executor.GPUDiscovery, len(gpus), strings.Join(names, ", "))
}
