package campaign

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestResearchSettings(t *testing.T) {
	tests := []struct {
		name        string
		file        string
		research    Research
		researchers []string
		choice      string
	}{
		{
			name: "every piece on",
			file: "testdata/research/all.hcl",
			research: Research{
				Thresholds: map[string]float64{"quick": 0.5, "full": 2},
				Judge:      Judge{Enabled: true, Model: "judge", Weight: 0.3, Rubric: "elegance: 0 to 10"},
				Novelty:    Novelty{Enabled: true, Threshold: 0.95, Confirm: "small"},
				Manager:    Manager{Enabled: true, Model: "big", Every: 5},
			},
			researchers: []string{"big", "small"},
			choice:      "ucb",
		},
		{name: "every piece off by default", file: "testdata/valid/minimal.hcl"},
		{
			name:     "novelty compares programs only unless given a threshold",
			file:     "testdata/research/novelty.hcl",
			research: Research{Novelty: Novelty{Enabled: true}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, diags := NewParser().LoadFile(tt.file)
			if diags.HasErrors() {
				t.Fatalf("diagnostics: %v", diags)
			}
			if diff := cmp.Diff(tt.research, cfg.Research); diff != "" {
				t.Errorf("research (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.researchers, cfg.Roles.Researchers); diff != "" {
				t.Errorf("researchers (-want +got):\n%s", diff)
			}
			if cfg.Roles.ResearcherChoice != tt.choice {
				t.Errorf("researcher_choice = %q, want %q", cfg.Roles.ResearcherChoice, tt.choice)
			}
			for _, d := range diags {
				if d.Summary == "Model not used by any role" {
					t.Errorf("a model in use is reported unused: %v", d)
				}
			}
		})
	}
}

func TestModelChoiceSettings(t *testing.T) {
	cfg, diags := NewParser().LoadFile("testdata/research/all.hcl")
	if diags.HasErrors() {
		t.Fatalf("diagnostics: %v", diags)
	}
	if cfg.Roles.Researcher != "big" {
		t.Errorf("researcher = %q, want the list's first", cfg.Roles.Researcher)
	}
	if m := cfg.Models["big"]; m.ReasoningEffort != "high" || m.Weight != 1 {
		t.Errorf("model big = effort %q weight %v", m.ReasoningEffort, m.Weight)
	}
	if m := cfg.Models["small"]; m.Weight != 3 || m.ReasoningEffort != "" {
		t.Errorf("model small = effort %q weight %v", m.ReasoningEffort, m.Weight)
	}
}
