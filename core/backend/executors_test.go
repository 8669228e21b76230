package backend

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/plugins"
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
