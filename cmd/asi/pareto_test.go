package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/asi-evolve/asi/core/pareto"
	"github.com/asi-evolve/asi/core/report"
	"github.com/asi-evolve/asi/core/store"
)

// TestParetoExample applies the two-objective example offline for its
// whole budget and checks what it stored: a front no stored node
// dominates, a hypervolume that grew, and the commands that show them.
func TestParetoExample(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real campaign")
	}
	bin := buildAsi(t)
	file := filepath.Join(repoRoot(t), "hcl-examples", "pareto-depot.hcl")
	state := filepath.Join(t.TempDir(), "state")
	asi := func(args ...string) []byte {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "OPENAI_API_KEY=", "OPENAI_BASE_URL=")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("asi %v: %v\n%s", args, err, out)
		}
		return out
	}
	asi("apply", "-state", state, file)

	c, err := report.LoadDir(context.Background(), state)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Objectives) != 2 {
		t.Fatalf("stored objectives %+v, want the file's two", c.Objectives)
	}
	f := c.Front()
	if len(f.Members) < 2 {
		t.Fatalf("front of %d node(s) after %d steps, want a trade-off of two or more", len(f.Members), c.Done())
	}
	for _, m := range f.Members {
		mp, _ := store.ObjectiveValues(m.Node, c.Objectives)
		for _, n := range c.Nodes {
			if p, ok := store.ObjectiveValues(n, c.Objectives); ok && n.Valid && pareto.Dominates(p, mp) {
				t.Errorf("front member %d is dominated by node %d", m.Node.ID, n.ID)
			}
		}
	}
	curve := c.HypervolumeCurve()
	if len(curve) != len(c.Nodes) {
		t.Fatalf("hypervolume curve of %d points for %d nodes", len(curve), len(c.Nodes))
	}
	for i := 1; i < len(curve); i++ {
		if curve[i].Hypervolume < curve[i-1].Hypervolume {
			t.Errorf("hypervolume fell at step %d: %v -> %v", curve[i].Step, curve[i-1].Hypervolume, curve[i].Hypervolume)
		}
	}
	start, end := curve[0].Hypervolume, curve[len(curve)-1].Hypervolume
	if !(end > start) || end != f.Hypervolume {
		t.Errorf("hypervolume from %v to %v (front: %v), want it to grow", start, end, f.Hypervolume)
	}

	var status struct {
		Front struct {
			Size        int      `json:"size"`
			Hypervolume *float64 `json:"hypervolume"`
		} `json:"front"`
	}
	if err := json.Unmarshal(asi("status", "-json", "-state", state), &status); err != nil {
		t.Fatal(err)
	}
	if status.Front.Size != len(f.Members) || status.Front.Hypervolume == nil || *status.Front.Hypervolume != end {
		t.Errorf("status -json front %+v, want %d nodes and hypervolume %v", status.Front, len(f.Members), end)
	}
	var front struct {
		Members []struct {
			ID     int64              `json:"id"`
			Values map[string]float64 `json:"values"`
		} `json:"members"`
		Preferred struct {
			ID int64 `json:"id"`
		} `json:"preferred"`
	}
	if err := json.Unmarshal(asi("best", "-front", "-json", "-state", state), &front); err != nil {
		t.Fatal(err)
	}
	if len(front.Members) != len(f.Members) || len(front.Members[0].Values) != 2 {
		t.Errorf("best -front -json lists %+v", front.Members)
	}
	preferred := f.Members[f.Preferred].Node
	if front.Preferred.ID != preferred.ID {
		t.Errorf("best -front prefers node %d, the read model %d", front.Preferred.ID, preferred.ID)
	}
	if code := string(asi("best", "-state", state)); code != preferred.Code && code != preferred.Code+"\n" {
		t.Errorf("asi best printed another program than the preferred node %d's", preferred.ID)
	}
}
