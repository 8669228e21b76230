//go:build cgo

package executor

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/asi-evolve/asi/sdk"

	"github.com/asi-evolve/asi/internal/testenv"
)

// These run real NVML; scripts/gpu-check.sh runs them with
// ASI_REQUIRE_GPU=1 so a missing driver fails instead of skipping.
func requireGPU(t *testing.T) []GPUDevice {
	t.Helper()
	devs, shutdown := NVML()
	t.Cleanup(shutdown)
	gpus, err := devs.GPUs()
	if err != nil || len(gpus) == 0 {
		if os.Getenv("ASI_REQUIRE_GPU") != "" {
			t.Fatalf("no GPU found: %v", err)
		}
		testenv.Optional(t, "no GPU here (%v); scripts/gpu-check.sh runs this on a GPU machine", err)
	}
	return gpus
}

func TestNVMLDiscovery(t *testing.T) {
	for _, g := range requireGPU(t) {
		t.Logf("GPU %d: %s %s, %d MiB (%d MiB free), %d%% busy", g.Index, g.Name, g.UUID, g.Memory>>20, g.FreeMemory>>20, g.Utilization)
		if g.Name == "" || g.Memory == 0 {
			t.Errorf("device %d: empty name or memory: %+v", g.Index, g)
		}
	}
}

func TestGPUTorchJob(t *testing.T) {
	requireGPU(t)
	python := os.Getenv("ASI_GPU_PYTHON")
	if python == "" {
		python = "python3"
	}
	path, err := exec.LookPath(python)
	if err != nil {
		t.Fatalf("python for the CUDA job: %v", err)
	}
	devs, shutdown := NVML()
	defer shutdown()
	g, err := NewGPU(GPUConfig{LocalConfig: LocalConfig{Dir: workDir(t), Timeout: 3 * time.Minute, Network: true}}, devs)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	script := "import torch\nassert torch.cuda.is_available(), 'no cuda'\n" +
		"x = torch.randn(512, 512, device='cuda')\nprint('ok', torch.cuda.get_device_name(0), float((x @ x).sum()))\n" +
		"open('result.txt', 'w').write('ok')\n"
	res, log := runJob(t, g, sdk.Job{Command: []string{path, "job.py"}, Files: map[string][]byte{"job.py": []byte(script)},
		Env: map[string]string{"PYTHONPATH": os.Getenv("PYTHONPATH")}, Outputs: []string{"result.txt"},
		Resources: sdk.Resources{GPUs: 1, GPUMemory: 256 << 20}})
	t.Logf("job log:\n%s", log)
	if res.State != sdk.JobSucceeded || string(res.Outputs["result.txt"]) != "ok" || !strings.Contains(log, "ok ") {
		t.Errorf("CUDA job: %s (%s)", res.State, res.Detail)
	}
}
