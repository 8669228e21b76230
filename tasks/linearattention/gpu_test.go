package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/asi-evolve/asi/internal/testenv"
	"github.com/asi-evolve/asi/plugins/executor"
	"github.com/asi-evolve/asi/sdk"
)

// The verify stage on a real GPU through the gpu executor: a DeltaNet
// model of a few million parameters trains on CUDA and is measured by the
// separate evaluation job. scripts/gpu-check.sh runs it (build tag nvml,
// ASI_REQUIRE_GPU=1); elsewhere it skips.
func TestVerifyStageGPU(t *testing.T) {
	devs, shutdown := executor.NVML()
	t.Cleanup(shutdown)
	gpus, err := devs.GPUs()
	if err != nil || len(gpus) == 0 {
		if os.Getenv("ASI_REQUIRE_GPU") != "" {
			t.Fatalf("no GPU found: %v", err)
		}
		testenv.Optional(t, "no GPU here (%v); scripts/gpu-check.sh runs this on a GPU machine", err)
	}
	py := os.Getenv("ASI_GPU_PYTHON")
	if py == "" {
		py = "python3"
	}
	path, err := exec.LookPath(py)
	if err != nil {
		t.Fatalf("python for the verify job: %v", err)
	}
	dir := t.TempDir()
	for d := dir; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o711); err != nil {
			t.Fatal(err)
		}
	}
	g, err := executor.NewGPU(executor.GPUConfig{LocalConfig: executor.LocalConfig{Dir: filepath.Join(dir, "jobs"), Timeout: 4 * time.Minute}}, devs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	cfg, err := parseConfig(defaults(map[string]any{"python": path, "verify_executor": "gpu",
		"verify_d_model": 256.0, "verify_layers": 4.0, "verify_seq_len": 128.0, "verify_steps": 300.0, "verify_pairs": 16.0}))
	if err != nil {
		t.Fatal(err)
	}
	r := runner{cfg: cfg, exec: g}
	start := time.Now()
	res, m, err := r.trainEval(context.Background(), "gpu-check/deltanet", deltanetPy, "", cfg.verify, 3*time.Minute, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Valid {
		t.Fatalf("verify job: %s", res.Feedback)
	}
	t.Logf("verify on %s: %.0f params, mqar_acc %.3f, val_loss %.4f, train %.1fs, eval %.1fs, wall %.1fs",
		gpus[0].Name, m["params"], m["mqar_acc"], m["val_loss"], m["train_seconds"], m["eval_seconds"], time.Since(start).Seconds())
	if m["val_loss"] <= 0 || m["val_loss"] > 3 || m["params"] < 2e6 {
		t.Errorf("verify metrics %v: want a trained model of millions of parameters", m)
	}
}

var _ sdk.Executor = (*executor.GPU)(nil)
