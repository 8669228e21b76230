package engine

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/asi-evolve/asi/core/sampling"
	"github.com/asi-evolve/asi/core/store"
)

// recordingSampler is a pareto sampler that keeps every node it is given.
type recordingSampler struct {
	sampling.Sampler
	added []sampling.Node
}

func (r *recordingSampler) Add(n sampling.Node) {
	r.added = append(r.added, n)
	r.Sampler.Add(n)
}

func (r *recordingSampler) Sample(rng *rand.Rand, n int) []sampling.Node {
	return r.Sampler.Sample(rng, n)
}

func newRecordingSampler(t *testing.T) *recordingSampler {
	t.Helper()
	s, err := sampling.New("pareto", sampling.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return &recordingSampler{Sampler: s}
}

func TestSamplerNodesCarryObjectives(t *testing.T) {
	objectives := []store.Objective{
		{Metric: "value", Direction: "maximize"},
		{Metric: "value", Direction: "minimize"},
		{Metric: "absent", Direction: "maximize"},
	}
	st := openStore(t)
	rec := newRecordingSampler(t)
	e := newEngine(t, st, &numberTask{}, &incrementer{}, func(c *Config) {
		c.Budget.Steps = 3
		c.Sampler, c.Objectives = rec, objectives
	})
	if _, err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	check := func(when string, added []sampling.Node) {
		t.Helper()
		nodes := checkSteps(t, st, 3)
		if len(added) != len(nodes) {
			t.Fatalf("%s: sampler given %d nodes, store holds %d", when, len(added), len(nodes))
		}
		value := map[int64]float64{}
		for _, n := range nodes {
			value[n.ID] = n.Metrics["value"]
		}
		for _, n := range added {
			v := value[n.ID]
			if len(n.Objectives) != 3 || n.Objectives[0] != v || n.Objectives[1] != -v || !math.IsNaN(n.Objectives[2]) {
				t.Errorf("%s: node %d objectives %v, want [%v %v NaN]", when, n.ID, n.Objectives, v, -v)
			}
		}
	}
	check("run", rec.added)
	// A resumed engine rebuilds the sampler from the stored nodes; the
	// budget is spent, so it stores nothing more.
	again := newRecordingSampler(t)
	e = newEngine(t, st, &numberTask{}, &incrementer{}, func(c *Config) {
		c.Budget.Steps = 3
		c.Sampler, c.Objectives = again, objectives
	})
	if _, err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	check("resume", again.added)
}
