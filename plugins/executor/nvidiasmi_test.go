package executor

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fakeNvidiaSMI writes an nvidia-smi that checks it was asked the query
// NvidiaSMI sends, then prints out and exits with code.
func fakeNvidiaSMI(t *testing.T, out string, code int) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "nvidia-smi")
	script := "#!/bin/sh\n" +
		"[ \"$1\" = '--query-gpu=" + smiQuery + "' ] && [ \"$2\" = '--format=csv,noheader,nounits' ] || { echo \"unexpected arguments: $*\"; exit 2; }\n" +
		"cat <<'END'\n" + out + "END\n" +
		"exit " + string(rune('0'+code)) + "\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

const smiTwoGPUs = "0, GPU-6f1c, NVIDIA H200, 143771, 143000, 3\n1, GPU-88aa, NVIDIA H200, 143771, [N/A], 97\n"

func TestNvidiaSMIDevices(t *testing.T) {
	gpus, err := NvidiaSMI(fakeNvidiaSMI(t, smiTwoGPUs, 0)).GPUs()
	if err != nil {
		t.Fatal(err)
	}
	want := []GPUDevice{
		{Index: 0, UUID: "GPU-6f1c", Name: "NVIDIA H200", Memory: 143771 << 20, FreeMemory: 143000 << 20, Utilization: 3},
		{Index: 1, UUID: "GPU-88aa", Name: "NVIDIA H200", Memory: 143771 << 20, Utilization: 97},
	}
	if diff := cmp.Diff(want, gpus); diff != "" {
		t.Errorf("devices (-want +got):\n%s", diff)
	}
}

func TestNvidiaSMIWithoutDriver(t *testing.T) {
	msg := "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n"
	_, err := NvidiaSMI(fakeNvidiaSMI(t, msg, 9)).GPUs()
	if !errors.Is(err, ErrNoDriver) {
		t.Fatalf("error %v, want ErrNoDriver", err)
	}
	if !strings.Contains(err.Error(), "couldn't communicate with the NVIDIA driver") {
		t.Errorf("error %q does not say why", err)
	}
}

func TestNvidiaSMIMalformed(t *testing.T) {
	for name, out := range map[string]string{
		"too few fields": "0, GPU-6f1c, NVIDIA H200\n",
		"bad index":      "x, GPU-6f1c, NVIDIA H200, 1, 1, 1\n",
	} {
		t.Run(name, func(t *testing.T) {
			if gpus, err := NvidiaSMI(fakeNvidiaSMI(t, out, 0)).GPUs(); err == nil {
				t.Errorf("no error; devices %+v", gpus)
			}
		})
	}
}
