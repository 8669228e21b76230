package report

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/asi-evolve/asi/core/pareto"
	"github.com/asi-evolve/asi/core/store"
)

// frontCampaign maximises "quality" and minimises "cost"; the initial
// program (quality 1, cost 10) is the reference.
func frontCampaign() *Campaign {
	node := func(id int64, valid bool, metrics map[string]float64) store.Node {
		return store.Node{ID: id, Step: id - 1, Name: "n", Valid: valid, Metrics: metrics}
	}
	return &Campaign{
		Objectives: []store.Objective{
			{Metric: "quality", Direction: "maximize", Weight: 1},
			{Metric: "cost", Direction: "minimize", Weight: 1},
		},
		Nodes: []store.Node{
			node(1, true, map[string]float64{"quality": 1, "cost": 10}),
			node(2, true, map[string]float64{"quality": 3, "cost": 6}),  // on the front
			node(3, true, map[string]float64{"quality": 2, "cost": 8}),  // dominated by 2
			node(4, true, map[string]float64{"quality": 5, "cost": 9}),  // on the front
			node(5, false, map[string]float64{"quality": 9, "cost": 1}), // invalid
			node(6, true, map[string]float64{"quality": 9}),             // no cost
			node(7, true, map[string]float64{"quality": 2, "cost": 4}),  // on the front
			node(8, true, map[string]float64{"quality": 3, "cost": 6}),  // twin of 2
		},
	}
}

func memberIDs(f Front) []int64 {
	var ids []int64
	for _, m := range f.Members {
		ids = append(ids, m.Node.ID)
	}
	return ids
}

func TestFront(t *testing.T) {
	c := frontCampaign()
	f := c.Front()
	if diff := cmp.Diff([]int64{2, 4, 7, 8}, memberIDs(f)); diff != "" {
		t.Errorf("front (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]float64{5, 9}, f.Members[1].Values); diff != "" {
		t.Errorf("node 4's values (-want +got):\n%s", diff)
	}
	if !f.HasReference || !cmp.Equal(f.Reference, []float64{1, 10}) {
		t.Errorf("reference %v (known %v), want the initial program's [1 10]", f.Reference, f.HasReference)
	}
	// Oriented (quality, -cost) from (1, -10): boxes 4x1 (node 4), 2x4
	// (node 2), 1x6 (node 7); the union is 4*1 + 2*(4-1) + 1*(6-4).
	if want := 4.0 + 6 + 2; f.Hypervolume != want {
		t.Errorf("hypervolume %v, want %v", f.Hypervolume, want)
	}
	// Normalised over the front: quality in [2, 5], cost in [4, 9]. Node
	// 2: 1/3 + 3/5; node 4: 1 + 0; node 7: 0 + 1. Node 4 wins.
	if got := f.Members[f.Preferred].Node.ID; got != 4 {
		t.Errorf("preferred node %d, want 4", got)
	}
	c.Objectives[1].Weight = 2 // cost counts double: node 7 (2) beats node 4 (1)
	if got := c.Front(); got.Members[got.Preferred].Node.ID != 7 {
		t.Errorf("with cost weighted 2, preferred node %d, want 7", got.Members[got.Preferred].Node.ID)
	}
	// No member is dominated by any stored node that reports both metrics.
	for _, m := range f.Members {
		mp, _ := store.ObjectiveValues(m.Node, c.Objectives)
		for _, n := range c.Nodes {
			if p, ok := store.ObjectiveValues(n, c.Objectives); ok && n.Valid && pareto.Dominates(p, mp) {
				t.Errorf("front member %d dominated by node %d", m.Node.ID, n.ID)
			}
		}
	}
}

func TestFrontReference(t *testing.T) {
	ref := 20.0
	c := frontCampaign()
	c.Objectives[1].Reference = &ref
	f := c.Front()
	if !cmp.Equal(f.Reference, []float64{1, 20}) {
		t.Errorf("reference %v, want [1 20]", f.Reference)
	}
	// From (1, -20): node 4 4x11, node 2 2x14 (3 above 11), node 7 1x16.
	if want := 4.0*11 + 2*3 + 1*2; f.Hypervolume != want {
		t.Errorf("hypervolume %v, want %v", f.Hypervolume, want)
	}

	c = frontCampaign()
	c.Nodes[0].Valid = false
	if f := c.Front(); f.HasReference || f.Hypervolume != 0 || c.HypervolumeCurve() != nil {
		t.Errorf("with a failed initial program: reference known %v, hypervolume %v", f.HasReference, f.Hypervolume)
	}

	if f := (&Campaign{}).Front(); f.Preferred != -1 || len(f.Members) != 0 {
		t.Errorf("without objectives: %+v", f)
	}
}

func TestHypervolumeCurve(t *testing.T) {
	c := frontCampaign()
	var got []float64
	for _, p := range c.HypervolumeCurve() {
		got = append(got, p.Hypervolume)
	}
	// Node 2 adds 2x4, node 3 nothing, node 4 (4x1) adds 4-2, node 7 adds
	// 1x2; invalid and incomplete nodes add nothing.
	want := []float64{0, 8, 8, 10, 10, 10, 12, 12}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("curve (-want +got):\n%s", diff)
	}
	if last := got[len(got)-1]; last != c.Front().Hypervolume {
		t.Errorf("curve ends at %v, front's hypervolume %v", last, c.Front().Hypervolume)
	}
	c.Nodes[1].Metrics["cost"] = math.NaN()
	if got := c.HypervolumeCurve()[1].Hypervolume; got != 0 {
		t.Errorf("a NaN cost counted: %v", got)
	}
}

func TestHTMLShowsFront(t *testing.T) {
	c := frontCampaign()
	plots, err := c.Plots()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range plots {
		names = append(names, p.Name)
	}
	if !slices.Contains(names, "front") || !slices.Contains(names, "hypervolume") {
		t.Errorf("plots %v lack the front or the hypervolume", names)
	}
	var b strings.Builder
	if err := WriteHTML(&b, c, plots, Options{}); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	for _, want := range []string{`id="front-table"`, `<b id="hypervolume">12</b>`, `<td class="num">4 *</td>`, "cost (minimize)"} {
		if !strings.Contains(html, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(html, `<td class="num">3 *</td>`) || strings.Count(html, `class="preferred"`) != 1 {
		t.Error("report marks other than one preferred node")
	}
	c.Objectives = nil
	b.Reset()
	if err := WriteHTML(&b, c, nil, Options{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "front-table") {
		t.Error("a campaign without objectives shows a front")
	}
}
