//go:build cgo

package executor

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/asi-evolve/asi/internal/testenv"
)

// TestNoCgoBuild builds this package's tests without cgo and runs the
// nvidia-smi fallback there: the default build has NVML, so only such a
// build reaches it.
func TestNoCgoBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the package again without cgo")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		testenv.Skipf(t, "go not on PATH (install Go from go.dev/dl) to build without cgo: %v", err)
	}
	cmd := exec.Command(goBin, "test", "-count=1", "-v", "-run", "^TestNVMLFallsBackToNvidiaSMI$", ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestNVMLFallsBackToNvidiaSMI") {
		t.Fatalf("the no-cgo build's fallback test: %v\n%s", err, out)
	}
}

func TestDefaultBuildHasNVML(t *testing.T) {
	if !strings.HasPrefix(GPUDiscovery, "NVML") {
		t.Errorf("a cgo build discovers GPUs with %q, want NVML", GPUDiscovery)
	}
}
