package backend

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"

	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/core/task"
)

const objectivesFile = `campaign "fronts" { task = "script" }
database { sampler = "pareto" }
objective "speed" { direction = "maximize" }
objective "size" {
  direction = "minimize"
  reference = 10
  weight    = 0.5
}
`

func parseObjectives(t *testing.T) *campaign.Config {
	t.Helper()
	cfg, diags := campaign.NewParser().Parse([]byte(objectivesFile), "fronts.hcl")
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	return cfg
}

func TestObjectivesRecorded(t *testing.T) {
	ten := 10.0
	want := []store.Objective{
		{Metric: "speed", Direction: "maximize", Weight: 1},
		{Metric: "size", Direction: "minimize", Reference: &ten, Weight: 0.5},
	}
	if diff := cmp.Diff(want, objectives(parseObjectives(t))); diff != "" {
		t.Errorf("objectives (-want +got):\n%s", diff)
	}
	if got := objectives(&campaign.Config{}); got != nil {
		t.Errorf("no objective blocks gave %v", got)
	}
}

func TestCheckObjectives(t *testing.T) {
	cfg := parseObjectives(t)
	tests := []struct {
		name string
		desc task.Description
		want []int // lines of the warnings
	}{
		{name: "task lists no metrics", desc: task.Description{Primary: "score"}},
		{name: "both reported", desc: task.Description{Primary: "speed", Metrics: []task.Metric{{Name: "size"}}}},
		{name: "one missing", desc: task.Description{Primary: "score", Metrics: []task.Metric{{Name: "speed"}}}, want: []int{4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var lines []int
			for _, d := range checkObjectives(cfg, tt.desc) {
				if d.Severity != hcl.DiagWarning || d.Summary != "Objective metric not reported by the task" {
					t.Errorf("diagnostic %v", d)
				}
				lines = append(lines, d.Subject.Start.Line)
			}
			if diff := cmp.Diff(tt.want, lines); diff != "" {
				t.Errorf("warning lines (-want +got):\n%s", diff)
			}
		})
	}
	if diff := cmp.Diff([]string{"size"}, MissingObjectives(cfg, map[string]float64{"speed": 1, "score": 2})); diff != "" {
		t.Errorf("MissingObjectives (-want +got):\n%s", diff)
	}
}
