package campaign

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/hcl/v2"
)

func TestPromptsSettings(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		file    string
		prompts Prompts
	}{
		{name: "off without the block", file: "testdata/valid/minimal.hcl"},
		{
			name:    "defaults",
			src:     "campaign \"c\" {\n  task = \"circlepacking\"\n}\nprompts {}\n",
			prompts: Prompts{Enabled: true, Every: 10, Archive: 8, Exploration: 1.414},
		},
		{
			name:    "every setting",
			file:    "testdata/research/prompts.hcl",
			prompts: Prompts{Enabled: true, Model: "writer", Every: 5, Archive: 4, Exploration: 0.5},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cfg *Config
			var diags hcl.Diagnostics
			if tt.file != "" {
				cfg, diags = NewParser().LoadFile(tt.file)
			} else {
				cfg, diags = NewParser().Parse([]byte(tt.src), "prompts.hcl")
			}
			if diags.HasErrors() {
				t.Fatalf("diagnostics: %v", diags)
			}
			if diff := cmp.Diff(tt.prompts, cfg.Prompts, cmpopts.IgnoreFields(Prompts{}, "DeclRange")); diff != "" {
				t.Errorf("prompts (-want +got):\n%s", diff)
			}
			if tt.prompts.Enabled && cfg.Prompts.DeclRange.Start.Line == 0 {
				t.Errorf("the block's range is not kept")
			}
			for _, d := range diags {
				if d.Summary == "Model not used by any role" {
					t.Errorf("the prompts model is reported unused: %v", d)
				}
			}
		})
	}
}
