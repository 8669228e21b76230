package views

import (
	"testing"
	"time"

	"github.com/asi-evolve/asi/core/report"
	"github.com/asi-evolve/asi/core/store"
)

// TestReportOf: a report counts the initial program apart, keeps failures
// that could not be evaluated apart, lists the top nodes best first and the
// newest events.
func TestReportOf(t *testing.T) {
	c := &report.Campaign{Name: "c", Direction: "minimize", Steps: store.StepCounts{Abandoned: 1},
		Nodes: []store.Node{
			{ID: 1, Step: 0, Valid: true, Score: 3},
			{ID: 2, Step: 1, Valid: true, Score: 1, Metrics: map[string]float64{"repairs": 2}},
			{ID: 3, Step: 2, Status: store.StatusFailed},
			{ID: 4, Step: 3, Status: store.StatusInfraFailed},
		},
		Recommendations: "stop",
	}
	for i := range 10 {
		c.Events = append(c.Events, store.Event{Time: time.Unix(int64(i), 0), Kind: "step"})
	}
	r := ReportOf(c, 1)
	if r.Done != 3 || r.Failures != 1 || r.InfraFailures != 1 || r.Running != 1 {
		t.Errorf("counts: done %d failures %d infra %d running %d", r.Done, r.Failures, r.InfraFailures, r.Running)
	}
	if r.Initial == nil || r.Initial.ID != 1 || r.Best == nil || r.Best.ID != 2 || len(r.Top) != 1 || r.Top[0].ID != 2 {
		t.Errorf("initial %+v best %+v top %+v", r.Initial, r.Best, r.Top)
	}
	if len(r.Events) != reportEvents || !r.Events[len(r.Events)-1].Time.Equal(time.Unix(9, 0)) {
		t.Errorf("events = %+v, want the newest %d", r.Events, reportEvents)
	}
	if r.Research.Repairs != 2 || r.Research.Repaired != 1 || r.Research.Recommendations != "stop" {
		t.Errorf("research = %+v", r.Research)
	}
}
