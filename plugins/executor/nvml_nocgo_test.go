//go:build !cgo

package executor

import (
	"os"
	"path/filepath"
	"testing"
)

// TestNVMLFallsBackToNvidiaSMI runs in a build without cgo (TestNoCgoBuild
// starts it): NVML then finds the GPUs through the nvidia-smi on PATH.
func TestNVMLFallsBackToNvidiaSMI(t *testing.T) {
	t.Setenv("PATH", filepath.Dir(fakeNvidiaSMI(t, smiTwoGPUs, 0))+string(os.PathListSeparator)+os.Getenv("PATH"))
	devs, shutdown := NVML()
	defer shutdown()
	gpus, err := devs.GPUs()
	if err != nil || len(gpus) != 2 || gpus[1].Utilization != 97 {
		t.Fatalf("GPUs through nvidia-smi: %+v, %v", gpus, err)
	}
	t.Setenv("PATH", t.TempDir())
	devs, _ = NVML()
	if _, err := devs.GPUs(); err == nil {
		t.Fatal("no nvidia-smi on PATH, yet GPUs found")
	}
}
