package campaign

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestAuditAttackSettings(t *testing.T) {
	zero, known := 0, 2.635
	tests := []struct {
		name string
		file string
		want Audit
	}{
		{name: "no attacks by default", file: "testdata/research/audit-defaults.hcl", want: Audit{Enabled: true, Top: 3, MaxDrop: 0.1}},
		{
			name: "an adversary implies attacks",
			file: "testdata/research/audit-attacks.hcl",
			want: Audit{Enabled: true, Top: 3, MaxDrop: 0.1, Attacks: true, Adversary: "redteam", AttackBudget: &zero, KnownBest: &known, Margin: 0.2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, diags := NewParser().LoadFile(tt.file)
			if diags.HasErrors() {
				t.Fatalf("diagnostics: %v", diags)
			}
			if diff := cmp.Diff(tt.want, cfg.Audit, cmpopts.IgnoreFields(Audit{}, "DeclRange")); diff != "" {
				t.Errorf("audit (-want +got):\n%s", diff)
			}
			for _, d := range diags {
				if d.Summary == "Model not used by any role" {
					t.Errorf("the adversary model is reported unused: %v", d)
				}
			}
		})
	}
}
