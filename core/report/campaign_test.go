package report

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/asi-evolve/asi/core/store"
)

// fakeSource is a store in memory; meta keys not in meta are not found.
type fakeSource struct {
	nodes  []store.Node
	events []store.Event
	meta   map[string]string
	steps  store.StepCounts
	err    error // returned by Nodes
}

func (f *fakeSource) Dir() string { return "/tmp/demo" }
func (f *fakeSource) Info(context.Context) (store.Info, error) {
	return store.Info{Campaign: "demo", Task: "number", Primary: "value", Direction: "minimize", StepBudget: 3}, nil
}
func (f *fakeSource) Nodes(context.Context) ([]store.Node, error)     { return f.nodes, f.err }
func (f *fakeSource) Usage(context.Context) (store.Usage, error)      { return store.Usage{Calls: 2}, nil }
func (f *fakeSource) Steps(context.Context) (store.StepCounts, error) { return f.steps, nil }
func (f *fakeSource) Events(_ context.Context, limit int) ([]store.Event, error) {
	return f.events[max(len(f.events)-limit, 0):], nil
}
func (f *fakeSource) Meta(_ context.Context, key string) (string, error) {
	if v, ok := f.meta[key]; ok {
		return v, nil
	}
	return "", store.ErrNotFound
}

func TestLoad(t *testing.T) {
	src := &fakeSource{
		nodes:  []store.Node{{ID: 1, Step: 0, Valid: true, Score: 2}, {ID: 2, Step: 1, Valid: true, Score: 1}},
		events: []store.Event{{Kind: "a"}, {Kind: "b"}, {Kind: "c"}},
		meta:   map[string]string{store.MetaRecommendations: "try smaller steps"},
		steps:  store.StepCounts{Running: 1, Abandoned: 2},
	}
	c, err := Load(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "demo" || c.Dir != "/tmp/demo" || c.Maximize() || c.Budget != 3 || c.Usage.Calls != 2 {
		t.Errorf("summary = %+v", c)
	}
	if best, ok := c.Best(); !ok || best.ID != 2 {
		t.Errorf("best = %+v, want node 2 (minimize)", best)
	}
	if c.Guidance != "" || c.Recommendations != "try smaller steps" {
		t.Errorf("manager: guidance %q, recommendations %q", c.Guidance, c.Recommendations)
	}
	if c.Unfinished() != 3 {
		t.Errorf("unfinished = %d, want running and abandoned: 3", c.Unfinished())
	}
	var kinds []string
	for _, e := range c.RecentEventsN(2) {
		kinds = append(kinds, e.Kind)
	}
	if diff := cmp.Diff([]string{"b", "c"}, kinds); diff != "" {
		t.Errorf("recent events (-want +got):\n%s", diff)
	}
	if n, ok := c.Node(2); !ok || n.Score != 1 {
		t.Errorf("node 2 = %+v, %v", n, ok)
	}
}

func TestLoadNamesTheCampaignInErrors(t *testing.T) {
	boom := errors.New("disk on fire")
	_, err := Load(context.Background(), &fakeSource{err: boom})
	if !errors.Is(err, boom) || err.Error() != "load campaign /tmp/demo: disk on fire" {
		t.Fatalf("err = %v", err)
	}
}
