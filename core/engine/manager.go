package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/roles"
	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/core/task"
)

// Manager is a role that writes the researcher's and analyzer's guidance
// from the task statement once per campaign, and every Every steps (0:
// never) meta-recommendations from the recent analyses. What it writes is
// kept in the store's meta table under the Meta* keys and announced as
// events; it is advisory, so a failed call is a warning.
type Manager struct {
	Provider llm.Provider
	Every    int
}

// Store meta keys of the manager's output.
const (
	MetaResearcherGuidance = store.MetaResearcherGuidance
	MetaAnalyzerGuidance   = store.MetaAnalyzerGuidance
	MetaRecommendations    = store.MetaRecommendations
)

// guidance is what the manager wrote last, as the prompts show it. It is
// safe for concurrent use; the zero guidance adds nothing.
type guidance struct {
	mu                  sync.Mutex
	researcher, analyst string // the guidance for the researcher and the analyzer
	recommend           string // the latest recommendations
}

func (g *guidance) set(researcher, analyst, recommend string) {
	g.mu.Lock()
	g.researcher, g.analyst, g.recommend = researcher, analyst, recommend
	g.mu.Unlock()
}

func (g *guidance) setRecommendations(rec string) {
	g.mu.Lock()
	g.recommend = rec
	g.mu.Unlock()
}

// forResearcher and forAnalyzer are desc as each role sees it, with the
// manager's words added.
func (g *guidance) forResearcher(desc task.Description) task.Description {
	g.mu.Lock()
	defer g.mu.Unlock()
	return roles.Guided(desc, g.researcher, g.recommend)
}

func (g *guidance) forAnalyzer(desc task.Description) task.Description {
	g.mu.Lock()
	defer g.mu.Unlock()
	return roles.Guided(desc, g.analyst, g.recommend)
}

// manage writes the campaign's guidance once: a resumed campaign reads
// what the store holds.
func (e *Engine) manage(ctx context.Context) {
	m := e.cfg.Manager
	if m == nil || m.Provider == nil {
		return
	}
	st := e.cfg.Store
	res, errR := st.Meta(ctx, MetaResearcherGuidance)
	an, _ := st.Meta(ctx, MetaAnalyzerGuidance)
	rec, _ := st.Meta(ctx, MetaRecommendations)
	if errors.Is(errR, store.ErrNotFound) {
		resp, err := e.callAs(ctx, 0, "manager", m.Provider, llm.Request{Role: "manager", Messages: roles.ManagerPrompt(e.desc)})
		if err != nil {
			st.AddEvent(context.WithoutCancel(ctx), store.Event{Kind: "warning", Message: "manager: no guidance: " + firstLine(err.Error())})
			return
		}
		res, an = roles.ParseManager(resp.Content)
		if res == "" && an == "" {
			res = strings.TrimSpace(resp.Content)
		}
		if err := errors.Join(st.SetMeta(ctx, MetaResearcherGuidance, res), st.SetMeta(ctx, MetaAnalyzerGuidance, an)); err != nil {
			st.AddEvent(context.WithoutCancel(ctx), store.Event{Kind: "warning", Message: "manager: " + firstLine(err.Error())})
		}
		st.AddEvent(ctx, store.Event{Kind: "manager", Message: "the manager wrote the prompts' guidance: " + firstLine(res)})
	}
	e.guidance.set(res, an, rec)
}

// recommendAfter asks the manager for meta-recommendations after every
// Every-th step, from the analyses of the last Every nodes.
func (e *Engine) recommendAfter(ctx context.Context, step int64) {
	m := e.cfg.Manager
	if m == nil || m.Provider == nil || m.Every <= 0 || step%int64(m.Every) != 0 {
		return
	}
	recent, err := e.cfg.Store.RecentAnalyses(ctx, m.Every)
	if err != nil {
		return
	}
	var analyses []string
	for _, a := range recent {
		analyses = append(analyses, fmt.Sprintf("%s: %s", a.Name, firstLine(strings.TrimSpace(a.Text))))
	}
	if len(analyses) == 0 {
		return
	}
	resp, err := e.callAs(ctx, step, "manager", m.Provider, llm.Request{Role: "manager", Messages: roles.RecommendPrompt(e.desc, analyses)})
	if err != nil {
		e.cfg.Store.AddEvent(context.WithoutCancel(ctx), store.Event{Step: step, Kind: "warning", Message: "manager: no recommendations: " + firstLine(err.Error())})
		return
	}
	rec := strings.TrimSpace(resp.Content)
	e.cfg.Store.SetMeta(context.WithoutCancel(ctx), MetaRecommendations, rec)
	e.cfg.Store.AddEvent(context.WithoutCancel(ctx), store.Event{Step: step, Kind: "manager", Message: fmt.Sprintf("recommendations after step %d: %s", step, firstLine(rec))})
	e.guidance.setRecommendations(rec)
}
