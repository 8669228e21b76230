package engine

import (
	"context"
	"fmt"

	"github.com/asi-evolve/asi/core/store"
)

// A resume reads what selection and the tallies need of each stored node
// (store.EachSummary), never the code and prose: memory and time follow
// the number of nodes, not what the campaign wrote. The few nodes whose
// text is shown (the initial program, the best) are read whole once.

// nodeLinks is what the bandit and the prompt tally need of every stored
// node while a campaign resumes: its first parent and how it scored, by
// id (ids are dense: a node's id is its step + 1). A nil nodeLinks keeps
// nothing.
type nodeLinks struct {
	byID []nodeLink
}

type nodeLink struct {
	parent int64 // first parent's id, 0 for none
	score  float64
	valid  bool
	infra  bool // StatusInfraFailed
	stored bool
}

// newNodeLinks returns links when a part of the engine needs them to
// resume: the bandit with two researchers or more, or the prompt archive.
func (e *Engine) newNodeLinks() *nodeLinks {
	if len(e.bandit.arms) < 2 && e.prompts == nil {
		return nil
	}
	return &nodeLinks{}
}

func (l *nodeLinks) add(n store.Node) {
	if l == nil || n.ID <= 0 {
		return
	}
	for int64(len(l.byID)) <= n.ID {
		l.byID = append(l.byID, nodeLink{})
	}
	link := nodeLink{score: n.Score, valid: n.Valid, infra: n.Status == store.StatusInfraFailed, stored: true}
	if len(n.Parents) > 0 {
		link.parent = n.Parents[0]
	}
	l.byID[n.ID] = link
}

// node returns what the links hold of node id as a Node (ID, Step,
// Parents, Score, Valid, Status); ok is false for a node not stored.
func (l *nodeLinks) node(id int64) (n store.Node, ok bool) {
	if l == nil || id <= 0 || id >= int64(len(l.byID)) || !l.byID[id].stored {
		return store.Node{}, false
	}
	link := l.byID[id]
	n = store.Node{ID: id, Step: id - 1, Score: link.score, Valid: link.valid, Status: store.StatusOK}
	if link.infra {
		n.Status = store.StatusInfraFailed
	} else if !link.valid {
		n.Status = store.StatusFailed
	}
	if link.parent != 0 {
		n.Parents = []int64{link.parent}
	}
	return n, true
}

// each calls fn with every stored node, in id order.
func (l *nodeLinks) each(fn func(store.Node)) {
	if l == nil {
		return
	}
	for id := range l.byID {
		if n, ok := l.node(int64(id)); ok {
			fn(n)
		}
	}
}

// observeStored adds every stored node to the sampler, the tally and the
// links, and reports whether the initial program has a node.
func (e *Engine) observeStored(ctx context.Context, links *nodeLinks) (hasInitial bool, err error) {
	err = e.cfg.Store.EachSummary(ctx, func(n store.Node) error {
		e.mu.Lock()
		e.observe(n)
		e.mu.Unlock()
		links.add(n)
		hasInitial = hasInitial || n.Step == 0
		return nil
	})
	return hasInitial, err
}

// readTallyNodes replaces the summaries of the initial and the best node
// in the tally with the whole nodes: the initial program's error and
// feedback explain a failed start, and Summary.Best is shown whole.
func (e *Engine) readTallyNodes(ctx context.Context) error {
	e.mu.Lock()
	initial, best := e.tally.initial.ID, e.tally.best.ID
	e.mu.Unlock()
	for _, id := range []int64{initial, best} {
		if id == 0 {
			continue
		}
		n, err := e.cfg.Store.Node(ctx, id)
		if err != nil {
			return fmt.Errorf("resume: %w", err)
		}
		e.mu.Lock()
		if e.tally.initial.ID == id {
			e.tally.initial = n
		}
		if e.tally.best.ID == id {
			e.tally.best = n
		}
		e.mu.Unlock()
	}
	return nil
}
