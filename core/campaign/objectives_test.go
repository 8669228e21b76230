package campaign

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/hcl/v2"
)

func TestObjectives(t *testing.T) {
	ref := -3.5
	tests := []struct {
		name    string
		src     string
		want    []Objective
		sampler string
	}{
		{
			name:    "none",
			src:     `campaign "x" { task = "t" }`,
			sampler: "ucb1",
		},
		{
			name: "two, pareto sampler",
			src: `campaign "x" { task = "t" }
database { sampler = "pareto" }
objective "score" { direction = "maximize" }
objective "cost" {
  direction = "minimize"
  reference = -3.5
  weight    = 0
}`,
			want: []Objective{
				{Metric: "score", Direction: "maximize", Weight: 1},
				{Metric: "cost", Direction: "minimize", Reference: &ref, Weight: 0},
			},
			sampler: "pareto",
		},
		{
			name: "with another sampler",
			src: `campaign "x" { task = "t" }
database { sampler = "greedy" }
objective "a" { direction = "maximize" }
objective "b" { direction = "maximize" }
objective "c" {
  direction = "minimize"
  weight    = 2.5
}`,
			want: []Objective{
				{Metric: "a", Direction: "maximize", Weight: 1},
				{Metric: "b", Direction: "maximize", Weight: 1},
				{Metric: "c", Direction: "minimize", Weight: 2.5},
			},
			sampler: "greedy",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, diags := NewParser().Parse([]byte(tt.src), "objectives.hcl")
			if diags.HasErrors() {
				t.Fatalf("Parse: %s", diags.Error())
			}
			if diff := cmp.Diff(tt.want, cfg.Objectives, cmpopts.IgnoreTypes(hcl.Range{}), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Objectives (-want +got):\n%s", diff)
			}
			if cfg.Database.Sampler != tt.sampler {
				t.Errorf("sampler %q, want %q", cfg.Database.Sampler, tt.sampler)
			}
			for _, o := range cfg.Objectives {
				if o.MetricRange.Start.Line == 0 || o.DeclRange.Start.Line == 0 {
					t.Errorf("objective %q has no source range", o.Metric)
				}
			}
		})
	}
}
