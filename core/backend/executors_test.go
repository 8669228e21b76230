package backend

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/plugins"
	"github.com/asi-evolve/asi/plugins/executor"
)

// TestExecutorSpecs: the executor blocks reach plugins as plain specs,
// their paths resolved against the campaign file's directory and left
// empty when unset (the executor then picks a directory under the state
// directory).
func TestExecutorSpecs(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name   string
		blocks string
		want   []plugins.ExecutorSpec
	}{
		{name: "none", want: []plugins.ExecutorSpec{}},
		{name: "local with defaults", blocks: "executor \"local\" {}\n", want: []plugins.ExecutorSpec{{Type: "local"}}},
		{name: "local with a relative work_dir", blocks: "executor \"local\" {\n  slots = 2\n  timeout = \"1m\"\n  work_dir = \"jobs\"\n}\n",
			want: []plugins.ExecutorSpec{{Type: "local", Slots: 2, Timeout: time.Minute, WorkDir: filepath.Join(dir, "jobs")}}},
		{name: "slurm", blocks: "executor \"slurm\" {\n  shared_dir = \"/shared\"\n  slurm_conf = \"slurm.conf\"\n  partition = \"gpu\"\n}\n",
			want: []plugins.ExecutorSpec{{Type: "slurm", SharedDir: "/shared", SlurmConf: filepath.Join(dir, "slurm.conf"), Partition: "gpu"}}},
		{name: "an isolation requirement", blocks: "executor \"gpu\" {\n  isolation = \"jail\"\n}\n",
			want: []plugins.ExecutorSpec{{Type: "gpu", Isolation: executor.IsolationJail}}},
		{name: "a jail's shape", blocks: "executor \"local\" {\n  read_only = [\"venv\"]\n  tmp_size = \"32MiB\"\n  processes = 64\n}\n",
			want: []plugins.ExecutorSpec{{Type: "local", ReadOnly: []string{filepath.Join(dir, "venv")}, TmpSize: 32 << 20, Processes: 64}}},
		{name: "a plugin's block", blocks: "executor \"k8s\" {\n  namespace = \"x\"\n}\n", want: []plugins.ExecutorSpec{{Type: "k8s"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "campaign \"c\" {\n  task = \"circlepacking\"\n}\n" + tt.blocks
			cfg, diags := campaign.NewParser().Parse([]byte(src), filepath.Join(dir, "c.hcl"))
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			if diff := cmp.Diff(tt.want, executorSpecs(cfg)); diff != "" {
				t.Errorf("specs (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDescribeExecutors: plan names each executor's isolation on this
// machine, and says when the campaign requires more than it gives.
func TestDescribeExecutors(t *testing.T) {
	src := "campaign \"c\" {\n  task = \"circlepacking\"\n}\n" +
		"executor \"local\" {\n  isolation = \"jail\"\n}\nexecutor \"slurm\" {}\nexecutor \"k8s\" {}\n"
	cfg, diags := campaign.NewParser().Parse([]byte(src), "c.hcl")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	got := DescribeExecutors(cfg)
	if len(got) != 3 {
		t.Fatalf("described %q, want 3 executors", got)
	}
	level, why := executor.LocalIsolation(false)
	if !strings.HasPrefix(got[0], "local: isolation "+string(level)+" ("+why+")") {
		t.Errorf("local described as %q, want its isolation %s (%s)", got[0], level, why)
	}
	if refused := strings.Contains(got[0], "REFUSED"); refused == level.AtLeast(executor.IsolationJail) {
		t.Errorf("local gives %s and requires jail, yet described as %q", level, got[0])
	}
	if !strings.HasPrefix(got[1], "slurm: isolation ") || strings.Contains(got[1], "REFUSED") {
		t.Errorf("slurm described as %q", got[1])
	}
	if got[2] != "k8s (executor plugin)" {
		t.Errorf("plugin executor described as %q", got[2])
	}
}
