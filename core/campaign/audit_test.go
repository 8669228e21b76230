package campaign

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestAuditSettings(t *testing.T) {
	tests := []struct {
		name string
		file string
		want Audit
	}{
		{name: "off without the block", file: "testdata/valid/minimal.hcl"},
		{name: "defaults", file: "testdata/research/audit-defaults.hcl", want: Audit{Enabled: true, Top: 3, MaxDrop: 0.1}},
		{
			name: "every attribute",
			file: "testdata/research/audit.hcl",
			want: Audit{Enabled: true, Top: 5, MaxDrop: 0.25, Judge: "auditor", Rubric: "Does it hard-code the answer?"},
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
			if tt.want.Enabled && cfg.Audit.DeclRange.Start.Line != 5 && cfg.Audit.DeclRange.Start.Line != 10 {
				t.Errorf("DeclRange = %v; want the audit block's header", cfg.Audit.DeclRange)
			}
			for _, d := range diags {
				if d.Summary == "Model not used by any role" {
					t.Errorf("the audit judge is reported unused: %v", d)
				}
			}
		})
	}
}
