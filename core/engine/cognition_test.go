package engine

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/asi-evolve/asi/cognition"
	"github.com/asi-evolve/asi/cognition/weaviatetest"
	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/core/task"
)

// promptRecorder keeps the researcher prompts it forwards.
type promptRecorder struct {
	llm.Provider
	mu      sync.Mutex
	prompts []string
}

func (p *promptRecorder) Complete(ctx context.Context, req llm.Request) (llm.Response, error) {
	p.mu.Lock()
	p.prompts = append(p.prompts, req.Messages[0].Content)
	p.mu.Unlock()
	return p.Provider.Complete(ctx, req)
}

// countingBase counts write-backs handed to the base.
type countingBase struct {
	*cognition.Base
	mu     sync.Mutex
	writes map[cognition.Kind]int
}

func (c *countingBase) WriteBack(ctx context.Context, it cognition.Item) (cognition.WriteResult, error) {
	c.mu.Lock()
	c.writes[it.Kind]++
	c.mu.Unlock()
	return c.Base.WriteBack(ctx, it)
}

func newBase(t *testing.T, st *store.Store, s cognition.Store) *cognition.Base {
	t.Helper()
	db, err := cognition.OpenDB(context.Background(), st.Dir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	emb := cognition.NewOffline(0)
	if s == nil {
		if s, err = cognition.OpenEmbedded(context.Background(), db, emb.Name(), emb.Dim()); err != nil {
			t.Fatal(err)
		}
	}
	b := cognition.NewBase(s, emb, db, cognition.Options{})
	prior := cognition.Item{Kind: cognition.KindPrior, Content: "For the number task, raise the value by one each step.", Source: "test#prior"}
	if _, err := b.Import(context.Background(), []cognition.Item{prior}); err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCognitionIsShownStoredAndLearned(t *testing.T) {
	st := openStore(t)
	base := &countingBase{Base: newBase(t, st, nil), writes: map[cognition.Kind]int{}}
	rec := &promptRecorder{Provider: &incrementer{}}
	e := newEngine(t, st, &numberTask{}, rec, func(c *Config) {
		c.Budget.Steps = 8
		c.Cognition, c.TopK = base, 3
		c.OfflineInsights = true // the offline analyzer stands in for a model
	})
	if _, err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	prior := cognition.ItemID(cognition.KindPrior, "For the number task, raise the value by one each step.")
	for _, n := range checkSteps(t, st, 8) {
		if n.Step == 0 {
			continue
		}
		if len(n.Cognition) == 0 || len(n.Cognition) > 3 {
			t.Errorf("node %d retrieved %v, want 1..3 items", n.ID, n.Cognition)
		}
		if n.Step == 1 && n.Cognition[0] != prior {
			t.Errorf("step 1 retrieved %v, want the prior %s first", n.Cognition, prior)
		}
	}
	if !strings.Contains(rec.prompts[0], "raise the value by one") {
		t.Errorf("first prompt lacks the prior:\n%s", rec.prompts[0])
	}
	items, err := base.Store().Items(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	insights, total := 0, 0
	for _, it := range items {
		if it.Kind == cognition.KindInsight {
			insights++
			total += it.Count
		}
	}
	if base.writes[cognition.KindInsight] != 8 || total != 8 {
		t.Errorf("insights written %d, counted %d in the base; want 8 and 8", base.writes[cognition.KindInsight], total)
	}
	if insights == 0 || insights >= 8 {
		t.Errorf("%d insight items for 8 near-identical lessons, want them merged", insights)
	}
}

// fakeCognition fails as told and records what it was given.
type fakeCognition struct {
	mu          sync.Mutex
	retrieveErr error
	writeErr    error
	written     []cognition.Item
}

func (f *fakeCognition) Retrieve(context.Context, []string, int, float64) ([]cognition.Hit, error) {
	if f.retrieveErr != nil {
		return nil, f.retrieveErr
	}
	return []cognition.Hit{{Record: cognition.Record{Item: cognition.Item{ID: "fixed", Content: "a fixed hint"}}}}, nil
}

func (f *fakeCognition) WriteBack(_ context.Context, it cognition.Item) (cognition.WriteResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.written = append(f.written, it)
	return cognition.WriteResult{}, f.writeErr
}

// invalidTask finds every candidate but the initial program invalid.
type invalidTask struct{ numberTask }

func (t *invalidTask) Evaluate(ctx context.Context, c task.Candidate, stage int, seed int64) (task.Result, error) {
	if c.NodeID == 1 { // node 1 is the initial program
		return t.numberTask.Evaluate(ctx, c, stage, seed)
	}
	return task.Result{Valid: false, Feedback: fmt.Sprintf("radius %d is negative", c.NodeID)}, nil
}

func TestCognitionFailuresDegradeAndRecurringFailuresAreLearned(t *testing.T) {
	st := openStore(t)
	f := &fakeCognition{
		retrieveErr: fmt.Errorf("weaviate search: %w", cognition.ErrUnavailable),
		writeErr:    fmt.Errorf("%w: down", cognition.ErrQueued),
	}
	e := newEngine(t, st, &invalidTask{}, &incrementer{}, func(c *Config) {
		c.Budget.Steps = 5
		c.Workers = 1
		c.Cognition = f
	})
	sum, err := e.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Done != 5 || sum.Failures != 5 {
		t.Fatalf("summary %+v, want 5 failed steps", sum)
	}
	events, _ := st.Events(context.Background(), 100)
	var retrieval, queued int
	for _, ev := range events {
		if ev.Kind != "warning" {
			continue
		}
		switch {
		case strings.Contains(ev.Message, "retrieval failed"):
			retrieval++
		case strings.Contains(ev.Message, "queued"):
			queued++
		}
	}
	if retrieval != 5 {
		t.Errorf("%d retrieval warnings, want one per step (5)", retrieval)
	}
	var failures []cognition.Item
	for _, it := range f.written {
		if it.Kind == cognition.KindFailure {
			failures = append(failures, it)
		}
	}
	// Failures 3, 4 and 5 of the same class each write the failure item.
	if len(failures) != 3 || queued != 3 {
		t.Fatalf("failure items %d, queued warnings %d; want 3 and 3: %+v", len(failures), queued, failures)
	}
	if !strings.Contains(failures[0].Content, "invalid candidate: radius N is negative") || failures[0].Node == 0 {
		t.Errorf("failure item %+v: want the class with numbers folded and its node", failures[0])
	}
}

func TestCognitionShownWhenRetrieved(t *testing.T) {
	st := openStore(t)
	rec := &promptRecorder{Provider: &incrementer{}}
	e := newEngine(t, st, &numberTask{}, rec, func(c *Config) { c.Budget.Steps = 1; c.Cognition = &fakeCognition{} })
	if _, err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	n, err := st.Node(context.Background(), 2)
	if err != nil || len(n.Cognition) != 1 || n.Cognition[0] != "fixed" || !strings.Contains(rec.prompts[0], "a fixed hint") {
		t.Fatalf("node cognition %v (%v), prompt has hint %v", n.Cognition, err, strings.Contains(rec.prompts[0], "a fixed hint"))
	}
}

// TestCognitionWeaviateRestartMidCampaign stops the Weaviate server after
// step 3 and starts it again after step 6: the campaign goes on, steps in
// between warn, and their lessons reach the base once it is back.
func TestCognitionWeaviateRestartMidCampaign(t *testing.T) {
	srv := weaviatetest.Start(t)
	st := openStore(t)
	emb := cognition.NewOffline(0)
	w, err := cognition.OpenWeaviate(cognition.WeaviateConfig{URL: weaviatetest.URL, Collection: "EngineRestart", HTTPClient: srv.HTTPClient()}, emb.Name(), emb.Dim())
	if err != nil {
		t.Fatal(err)
	}
	base := &countingBase{Base: newBase(t, st, w), writes: map[cognition.Kind]int{}}
	var restartErr error
	e := newEngine(t, st, &numberTask{}, &incrementer{}, func(c *Config) {
		c.Budget.Steps = 10
		c.Workers = 1
		c.Cognition = base
		c.OfflineInsights = true // the offline analyzer stands in for a model
		c.Progress = func(p Progress) {
			switch p.Done {
			case 3:
				srv.Stop()
			case 6:
				restartErr = srv.Restart()
			}
		}
	})
	sum, err := e.Run(context.Background())
	if err != nil || restartErr != nil {
		t.Fatalf("run: %v, restart: %v\n%s", err, restartErr, srv.Log())
	}
	if sum.Done != 10 || sum.Failures != 0 {
		t.Fatalf("summary %+v, want 10 good steps", sum)
	}
	left, err := base.Flush(context.Background())
	if err != nil || left != 0 {
		t.Fatalf("after the campaign: %d write-backs queued, %v", left, err)
	}
	events, _ := st.Events(context.Background(), 200)
	warnings := 0
	for _, ev := range events {
		if ev.Kind == "warning" {
			warnings++
		}
	}
	if warnings < 3 {
		t.Errorf("%d warnings while the server was down, want at least 3", warnings)
	}
	items, err := w.Items(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, it := range items {
		if it.Kind == cognition.KindInsight {
			total += it.Count
		}
	}
	if total != base.writes[cognition.KindInsight] || total != 10 {
		t.Errorf("weaviate counts %d insights, %d were written; want 10 and 10", total, base.writes[cognition.KindInsight])
	}
	var nodesWithItems int
	nodes, _ := st.Nodes(context.Background())
	for _, n := range nodes {
		if len(n.Cognition) > 0 {
			nodesWithItems++
		}
	}
	if nodesWithItems == 0 || nodesWithItems == 10 {
		t.Errorf("%d of 10 nodes have retrieved items; want some (server up) but not all (server down)", nodesWithItems)
	}
}
