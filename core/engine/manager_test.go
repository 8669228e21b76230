package engine

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/asi-evolve/asi/core/llm"
)

// managerModel answers guidance and recommendation requests.
type managerModel struct {
	mu       sync.Mutex
	guidance int
	recs     int
}

func (*managerModel) Name() string { return "manager" }

func (m *managerModel) Complete(_ context.Context, req llm.Request) (llm.Response, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if strings.Contains(req.Messages[0].Content, "recent experiments") {
		m.recs++
		return llm.Response{Content: "- keep raising the value"}, nil
	}
	m.guidance++
	return llm.Response{Content: "<researcher>Raise value in small steps.</researcher>\n<analyzer>Report the gain.</analyzer>"}, nil
}

// promptSpy is an incrementer that keeps the researcher prompts.
type promptSpy struct {
	incrementer
	mu      sync.Mutex
	prompts []string
}

func (p *promptSpy) Complete(ctx context.Context, req llm.Request) (llm.Response, error) {
	p.mu.Lock()
	p.prompts = append(p.prompts, req.Messages[0].Content)
	p.mu.Unlock()
	return p.incrementer.Complete(ctx, req)
}

func TestManagerWritesGuidanceOnceAndRecommends(t *testing.T) {
	st := openStore(t)
	mgr := &managerModel{}
	spy := &promptSpy{}
	e := newEngine(t, st, &numberTask{}, spy, func(c *Config) {
		c.Budget.Steps, c.Workers = 4, 1
		c.Manager = &Manager{Provider: mgr, Every: 2}
	})
	if _, err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	e2 := newEngine(t, st, &numberTask{}, spy, func(c *Config) {
		c.Budget.Steps, c.Workers = 5, 1
		c.Manager = &Manager{Provider: mgr, Every: 2}
	})
	if _, err := e2.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if mgr.guidance != 1 || mgr.recs != 2 {
		t.Fatalf("guidance calls %d (want 1 per campaign), recommendation calls %d (want 2: after steps 2 and 4)", mgr.guidance, mgr.recs)
	}
	g, err := st.Meta(context.Background(), MetaResearcherGuidance)
	if err != nil || g != "Raise value in small steps." {
		t.Fatalf("stored guidance %q, %v", g, err)
	}
	if !strings.Contains(spy.prompts[0], "Raise value in small steps.") {
		t.Fatalf("first researcher prompt lacks the guidance:\n%s", spy.prompts[0])
	}
	if strings.Contains(spy.prompts[1], "keep raising") || !strings.Contains(spy.prompts[2], "keep raising the value") {
		t.Fatal("recommendations should reach the prompts from step 3 on")
	}
}
