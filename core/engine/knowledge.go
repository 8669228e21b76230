package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/asi-evolve/asi/cognition"
	"github.com/asi-evolve/asi/core/roles"
	"github.com/asi-evolve/asi/core/store"
)

// retrieve queries the cognition base with each context node's analysis
// (or motivation) and records the items' IDs on the node. A base that
// fails costs the step nothing: the design goes on without it and the
// returned warning event says so.
func (e *Engine) retrieve(ctx context.Context, contextNodes []store.Node, node *store.Node) ([]string, []store.Event) {
	if e.cfg.Cognition == nil {
		return nil, nil
	}
	var queries []string
	for _, n := range contextNodes {
		q := n.Analysis
		if q == "" {
			q = n.Motivation
		}
		if n.Step == 0 {
			// The initial program's own words are generic: ask about the task.
			q = e.desc.Name + ": " + firstLine(e.desc.Statement)
		}
		if q = strings.TrimSpace(q); q != "" {
			queries = append(queries, q)
		}
	}
	if len(queries) == 0 {
		queries = []string{e.desc.Name + ": " + firstLine(e.desc.Statement)}
	}
	hits, err := e.cfg.Cognition.Retrieve(ctx, queries, e.cfg.TopK, e.cfg.MinScore)
	if err != nil {
		return nil, []store.Event{{Kind: "warning", Message: "cognition retrieval failed, designing without it: " + firstLine(err.Error())}}
	}
	knowledge := make([]string, len(hits))
	for i, h := range hits {
		knowledge[i] = h.Content
		node.Cognition = append(node.Cognition, h.ID)
	}
	return knowledge, nil
}

// learn writes the analyzer's insight back to the cognition base, and a
// failure item once a class of candidate failure has recurred
// FailureRepeat times. Nothing is learned from a node whose evaluation
// could not run: it says nothing about the candidate. A write-back the
// base could not apply (queued or lost) is a warning event; the campaign
// goes on.
func (e *Engine) learn(ctx context.Context, node *store.Node, insight string) {
	if e.cfg.Cognition == nil || node.Step == 0 || node.Status == store.StatusInfraFailed {
		return
	}
	var items []cognition.Item
	if insight = strings.TrimSpace(insight); insight != "" {
		it := cognition.Item{
			Kind: cognition.KindInsight, Content: insight, Node: node.ID,
			Source: fmt.Sprintf("node %d (%s)", node.ID, node.Name), Tags: []string{e.desc.Name},
		}
		switch {
		case !e.offlineAnalyzer():
			items = append(items, it)
		case e.cfg.OfflineInsights:
			it.Source += ", offline analyzer (no model)"
			it.Tags = append(it.Tags, TagOffline)
			items = append(items, it)
		}
	}
	if !node.Valid {
		class := failureClass(node.Error)
		e.mu.Lock()
		count := e.tally.failureClasses[class]
		e.mu.Unlock()
		if count >= FailureRepeat {
			items = append(items, cognition.Item{
				Kind: cognition.KindFailure, Node: node.ID, Tags: []string{e.desc.Name},
				Content: fmt.Sprintf("On %s, candidates keep failing with: %s", e.desc.Name, class),
				Source:  fmt.Sprintf("node %d (%s)", node.ID, node.Name),
			})
		}
	}
	for _, it := range items {
		if _, err := e.cfg.Cognition.WriteBack(ctx, it); err != nil {
			msg := "cognition write-back failed: "
			if errors.Is(err, cognition.ErrQueued) {
				msg = "cognition write-back queued until the store is back: "
			}
			e.cfg.Store.AddEvent(context.WithoutCancel(ctx), store.Event{
				Step: node.Step, NodeID: node.ID, Kind: "warning", Message: msg + firstLine(err.Error()),
			})
		}
	}
}

// offlineAnalyzer says whether the analyses, and so the insights, are
// written with no model.
func (e *Engine) offlineAnalyzer() bool {
	switch e.cfg.Analyzer.(type) {
	case roles.OfflineAnalyzer, *roles.OfflineAnalyzer:
		return true
	}
	return false
}

// failureClass reduces an error to what recurs: its first line, with
// numbers replaced, so "line 12" and "line 40" are one class.
func failureClass(msg string) string {
	msg = firstLine(msg)
	var b strings.Builder
	digits := false
	for _, r := range msg {
		if r >= '0' && r <= '9' {
			if !digits {
				b.WriteByte('N')
			}
			digits = true
			continue
		}
		digits = false
		b.WriteRune(r)
	}
	s := b.String()
	if len(s) > 160 {
		s = s[:160]
	}
	return s
}
