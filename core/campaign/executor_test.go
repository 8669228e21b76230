package campaign

import (
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestExecutorSettings(t *testing.T) {
	tests := []struct {
		name    string
		block   string
		want    *ExecutorSettings
		wantErr string
	}{
		{name: "local", block: `executor "local" {
  slots = 2
  memory = "2GiB"
  timeout = "10m"
  network = true
  isolation = "jail"
}`, want: &ExecutorSettings{Slots: 2, Memory: 2 << 30, Timeout: 10 * time.Minute, Network: true, Isolation: "jail"}},
		{name: "gpu", block: `executor "gpu" {
  devices = [0, 2]
  grace = "3s"
}`, want: &ExecutorSettings{Devices: []int{0, 2}, Grace: 3 * time.Second}},
		{name: "slurm", block: `executor "slurm" {
  partition = "gpu"
  account = "lab"
  shared_dir = "/shared/asi"
  sbatch_args = ["--constraint=a100"]
  poll = "10s"
  isolation = "user"
  network = true
  read_only = ["/opt/venv"]
  tmp_size = "64MiB"
  processes = 256
}`, want: &ExecutorSettings{Partition: "gpu", Account: "lab", SharedDir: "/shared/asi", Args: []string{"--constraint=a100"}, Poll: 10 * time.Second,
			Isolation: "user", Network: true, ReadOnly: []string{"/opt/venv"}, TmpSize: 64 << 20, Processes: 256}},
		{name: "plugin executor left undecoded", block: `executor "kubernetes" {
  namespace = "x"
}`},
		{name: "unknown attribute", block: `executor "local" {
  partition = "gpu"
}`, wantErr: "Unsupported argument"},
		{name: "unknown isolation level", block: `executor "gpu" {
  isolation = "container"
}`, wantErr: "Invalid isolation level"},
		{name: "bad slots", block: `executor "local" {
  slots = 0
}`, wantErr: "Value out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			minimal, err := os.ReadFile("testdata/valid/minimal.hcl")
			if err != nil {
				t.Fatal(err)
			}
			cfg, diags := NewParser().Parse(append(minimal, "\n"+tt.block+"\n"...), "test.hcl")
			if tt.wantErr != "" {
				if !diags.HasErrors() || diags[0].Summary != tt.wantErr {
					t.Fatalf("diagnostics %v, want %q", diags, tt.wantErr)
				}
				return
			}
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			if d := cmp.Diff(tt.want, cfg.Executors[0].Settings); d != "" {
				t.Errorf("settings (-want +got):\n%s", d)
			}
		})
	}
}
