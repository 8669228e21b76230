package views

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/asi-evolve/asi/core/report"
	"github.com/asi-evolve/asi/core/store"
)

func frontCampaign() *report.Campaign {
	node := func(id int64, cost, quality float64) store.Node {
		return store.Node{ID: id, Step: id - 1, Name: "n" + string(rune('0'+id)), Valid: true, Metrics: map[string]float64{"cost": cost, "quality": quality}}
	}
	return &report.Campaign{
		Name: "c", Primary: "quality",
		Objectives: []store.Objective{{Metric: "cost", Direction: "minimize", Weight: 1}, {Metric: "quality", Direction: "maximize", Weight: 3}},
		Nodes:      []store.Node{node(1, 10, 1), node(2, 4, 2), node(3, 8, 5), node(4, 9, 4)},
	}
}

func TestFrontViews(t *testing.T) {
	c := frontCampaign()
	f := FrontOf(c)
	if f == nil || f.Size != 2 || f.Hypervolume == nil || f.Preferred == nil || f.Preferred.ID != 3 {
		t.Fatalf("front %+v, want nodes 2 and 3, node 3 preferred (quality weighs 3)", f)
	}
	// From (cost 10, quality 1): node 3 is 2x4, node 2 adds 4x1 more.
	if *f.Hypervolume != 12 {
		t.Errorf("hypervolume %v, want 12", *f.Hypervolume)
	}
	var b bytes.Buffer
	if err := (View{W: &b}).Front(*f); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Pareto front: 2 node(s), hypervolume 12", "cost (min)", "quality (max)", "*     3  n3"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("front text lacks %q:\n%s", want, b.String())
		}
	}
	b.Reset()
	if err := (View{W: &b}).Report(ReportOf(c, 3)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "front:      2 node(s) on the Pareto front, hypervolume 12") ||
		!strings.Contains(b.String(), "preferred:  node 3 (n3): cost = 8, quality = 5") {
		t.Errorf("status text lacks the front:\n%s", b.String())
	}
	b.Reset()
	if err := (View{W: &b, JSON: true}).Report(ReportOf(c, 3)); err != nil {
		t.Fatal(err)
	}
	var r struct {
		Front *Front `json:"front"`
	}
	if err := json.Unmarshal(b.Bytes(), &r); err != nil || r.Front == nil || r.Front.Size != 2 || *r.Front.Hypervolume != 12 {
		t.Errorf("status -json front %+v (%v)", r.Front, err)
	}

	c.Nodes[0].Valid = false // no reference point: the initial program failed
	if f := FrontOf(c); f.Hypervolume != nil || !strings.Contains(f.hypervolumeText(), "unknown") {
		t.Errorf("without a reference point: hypervolume %v", f.Hypervolume)
	}
	c.Objectives = nil
	if f := FrontOf(c); f != nil {
		t.Errorf("a campaign without objectives has front %+v", f)
	}
	if strings.Contains(mustReport(t, c), "front:") {
		t.Error("status shows a front without objectives")
	}
}

func mustReport(t *testing.T, c *report.Campaign) string {
	t.Helper()
	var b bytes.Buffer
	if err := (View{W: &b}).Report(ReportOf(c, 3)); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestPlanListsObjectives(t *testing.T) {
	var b bytes.Buffer
	if err := (View{W: &b}).Plan(Plan{Objectives: []string{"cost (minimize)", "quality (maximize)"}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "  objectives:  cost (minimize), quality (maximize) (a Pareto front)\n") {
		t.Errorf("plan lacks the objectives:\n%s", b.String())
	}
	b.Reset()
	if err := (View{W: &b}).Plan(Plan{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "objectives:") {
		t.Errorf("plan without objectives lists some:\n%s", b.String())
	}
}
