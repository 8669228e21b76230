package command

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAuditNeedsAHeldOutStage: circlepacking declares no held-out stage,
// so an audit block is an error at plan and apply, at the block, unless a
// judge is given, which then runs alone (a warning).
func TestAuditNeedsAHeldOutStage(t *testing.T) {
	const campaign = `campaign "audit" {
  task = "circlepacking"
  budget {
    steps = 1
  }
}
`
	tests := []struct {
		name, audit string
		code        int
		want        []string
	}{
		{"no judge", "audit {\n  top = 2\n}\n", exitError, []string{"Error: Task has no held-out stage", "line 8, in audit", `declares none (its stages: "run")`}},
		{"judge only", "model \"auditor\" {\n  provider = \"openai\"\n  name     = \"gpt-5-mini\"\n}\naudit {\n  judge = model.auditor\n}\n", 0,
			[]string{"Warning: Task has no held-out stage", "only asks the judge, model.auditor"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			file := filepath.Join(dir, "audit.hcl")
			if err := os.WriteFile(file, []byte(campaign+"\n"+tt.audit), 0o644); err != nil {
				t.Fatal(err)
			}
			for _, verb := range []string{"plan", "apply"} {
				if verb == "apply" && tt.code == 0 {
					continue // it would call the model
				}
				_, stderr, code := run(t, verb, file)
				if code != tt.code {
					t.Fatalf("%s: exit %d, want %d; stderr:\n%s", verb, code, tt.code, stderr)
				}
				flat := strings.Join(strings.Fields(stderr), " ")
				for _, w := range tt.want {
					if !strings.Contains(flat, w) {
						t.Errorf("%s: stderr lacks %q:\n%s", verb, w, stderr)
					}
				}
			}
			if _, err := os.Stat(stateRoot); tt.code != 0 && err == nil {
				t.Error("a refused campaign created state")
			}
		})
	}
}
