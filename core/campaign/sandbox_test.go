package campaign

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// A sandbox block may send its runs to the slurm executor the campaign
// declares, in any order of the blocks; the value keeps its range.
func TestSandboxExecutorDecodes(t *testing.T) {
	cfg, _ := load(t, "testdata/sandbox/slurm.hcl")
	want := Sandbox{Memory: 256 << 20, Timeout: 5 * time.Second, OutputLimit: 1 << 20, Executor: "slurm"}
	if diff := cmp.Diff(want, cfg.Sandbox, ignoreSource); diff != "" {
		t.Errorf("sandbox mismatch (-want +got):\n%s", diff)
	}
	if r := cfg.Sandbox.ExecutorRange; r.Filename != "testdata/sandbox/slurm.hcl" || r.Start.Line != 8 {
		t.Errorf("executor range = %s, want line 8", r)
	}
}

// Each refused executor says why and what to write instead; the summaries
// and lines are checked by the invalid fixtures.
func TestSandboxExecutorRefusals(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		detail string
		line   int // of the executor value
	}{
		{
			name:   "undeclared",
			src:    "campaign \"x\" {\n  task = \"t\"\n}\nsandbox {\n  executor = \"slurm\"\n}\n",
			detail: `declares no executor "slurm" block; add one`,
			line:   5,
		},
		{
			name:   "not a cluster",
			src:    "campaign \"x\" {\n  task = \"t\"\n}\nexecutor \"gpu\" {}\nsandbox {\n  executor = \"gpu\"\n}\n",
			detail: `Sandbox runs can go to a slurm executor only, not "gpu"`,
			line:   6,
		},
		{
			name:   "an executor plugin",
			src:    "campaign \"x\" {\n  task = \"t\"\n}\nexecutor \"k8s\" {}\nsandbox {\n  executor = \"k8s\"\n}\n",
			detail: `not "k8s"`,
			line:   6,
		},
		{
			name:   "not a string",
			src:    "campaign \"x\" {\n  task = \"t\"\n}\nexecutor \"slurm\" {}\nsandbox {\n  executor = [\"slurm\"]\n}\n",
			detail: "string required",
			line:   6,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, diags := NewParser().Parse([]byte(tt.src), "sandbox.hcl")
			if cfg != nil || !diags.HasErrors() {
				t.Fatalf("Parse succeeded, want an error")
			}
			for _, d := range diags {
				if strings.Contains(d.Detail, tt.detail) && d.Subject != nil && d.Subject.Start.Line == tt.line {
					return
				}
			}
			t.Errorf("no error with %q at line %d; got:\n%s", tt.detail, tt.line, describe(diags))
		})
	}
}
