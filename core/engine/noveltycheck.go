package engine

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"

	"github.com/asi-evolve/asi/cognition"
	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/roles"
	"github.com/asi-evolve/asi/core/store"
)

// codeVector is what the novelty check keeps of a stored node: the
// fingerprint of its code and, when embeddings are on, its embedding.
type codeVector struct {
	id  int64
	key [sha256.Size]byte
	vec []float32
}

// codeIndex holds the code of the stored nodes for the novelty check. It
// is safe for concurrent use; with no Novelty it holds nothing.
type codeIndex struct {
	cfg      *Novelty
	language string

	mu      sync.Mutex
	vectors []codeVector
}

func newCodeIndex(nv *Novelty, language string) *codeIndex {
	return &codeIndex{cfg: nv, language: language}
}

// embedStored fingerprints (and embeds, when embeddings are on) the code of
// the stored nodes. It reads the code only when the novelty check is on,
// a batch of programs at a time.
func (x *codeIndex) embedStored(ctx context.Context, st *store.Store) error {
	nv := x.cfg
	if nv == nil {
		return nil
	}
	const batch = 256 // programs embedded in one call
	var ids []int64
	var codes []string
	flush := func() error {
		if len(ids) == 0 {
			return nil
		}
		var vecs [][]float32
		if nv.embeds() {
			var err error
			if vecs, err = nv.Embedder.Embed(ctx, codes); err != nil {
				return fmt.Errorf("novelty: embed stored nodes: %w", err)
			}
		}
		x.mu.Lock()
		for i, id := range ids {
			v := codeVector{id: id, key: codeKey(x.language, codes[i])}
			if vecs != nil {
				v.vec = vecs[i]
			}
			x.vectors = append(x.vectors, v)
		}
		x.mu.Unlock()
		ids, codes = ids[:0], codes[:0]
		return nil
	}
	err := st.EachCode(ctx, func(id int64, code string) error {
		if code == "" {
			return nil
		}
		ids, codes = append(ids, id), append(codes, code)
		if len(ids) < batch {
			return nil
		}
		return flush()
	})
	if err != nil {
		return err
	}
	return flush()
}

// addVector remembers a committed node's code fingerprint (and embedding,
// when embeddings are on).
func (x *codeIndex) addVector(ctx context.Context, n store.Node) {
	nv := x.cfg
	if nv == nil || n.Code == "" {
		return
	}
	v := codeVector{id: n.ID, key: codeKey(x.language, n.Code)}
	if nv.embeds() {
		if vecs, err := nv.Embedder.Embed(ctx, []string{n.Code}); err == nil && len(vecs) == 1 {
			v.vec = vecs[0]
		}
	}
	x.mu.Lock()
	x.vectors = append(x.vectors, v)
	x.mu.Unlock()
}

// twin returns the stored node code repeats: the first with the same
// fingerprint (exact, similarity 1) or, when embeddings are on, the
// nearest by code embedding when it is within the threshold.
func (x *codeIndex) twin(ctx context.Context, code string) (id int64, sim float64, exact, ok bool) {
	nv := x.cfg
	key := codeKey(x.language, code)
	var vec []float32
	if nv.embeds() {
		if vecs, err := nv.Embedder.Embed(ctx, []string{code}); err == nil && len(vecs) == 1 {
			vec = vecs[0]
		}
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	best := -2.0
	for _, v := range x.vectors {
		if v.key == key {
			return v.id, 1, true, true
		}
		if vec != nil && v.vec != nil {
			if s := cognition.Cosine(vec, v.vec); s > best {
				best, id = s, v.id
			}
		}
	}
	if vec == nil {
		return 0, 0, false, false
	}
	return id, best, false, best >= nv.Threshold
}

// novel checks a designed program against the stored nodes. A near twin
// (confirmed by the Confirm model when one is set) is sent back to the
// researcher once with the twin; what comes back is used whatever it is.
func (e *Engine) novel(ctx context.Context, step int64, res llm.Provider, rng *rand.Rand, parent store.Node, code string, node *store.Node, events *[]store.Event) (string, error) {
	nv := e.cfg.Novelty
	if nv == nil || code == "" {
		return code, nil
	}
	id, sim, exact, near := e.novelty.twin(ctx, code)
	if !near {
		return code, nil
	}
	twinNode, err := e.cfg.Store.Node(ctx, id)
	if err != nil {
		return code, nil // advisory: the node is evaluated as it is
	}
	confirm := llm.Request{Role: "novelty", Messages: roles.SameIdeaPrompt(code, twinNode.Code)}
	if nv.Confirm != nil && e.budget.affordable(ctx, nv.Confirm, confirm) {
		resp, err := e.callAs(ctx, step, "novelty", nv.Confirm, confirm)
		if err == nil && !roles.ParseSame(resp.Content) {
			return code, nil
		}
	}
	again := llm.Request{
		Role: "researcher", Messages: messagesFor(res, func() []llm.Message { return roles.DuplicatePrompt(e.desc, roleNode(parent), roleNode(twinNode)) }),
		Parents: []llm.Parent{{NodeID: parent.ID, Code: parent.Code, Score: parent.Score}},
	}
	if !e.budget.affordable(ctx, res, again) {
		return code, nil
	}
	node.Metrics[MetricNovelty] = 1
	why := fmt.Sprintf("is a near twin of node %d (similarity %.3f)", id, sim)
	if exact {
		why = fmt.Sprintf("repeats node %d (the same code once comments and spacing are set aside)", id)
	}
	*events = append(*events, store.Event{Kind: "novelty", Message: fmt.Sprintf("step %d: %q %s; sent back once", step, node.Name, why)})
	again.Seed = rng.Int64()
	resp, err := e.callAs(ctx, step, "researcher", res, again)
	if errors.Is(err, errOverBudget) {
		return code, nil
	}
	if err != nil {
		return "", err
	}
	fresh, name, motivation, why := applyReply(parent.Code, resp.Content)
	if why != "" {
		return code, nil // keep the twin rather than lose the step
	}
	node.Name, node.Motivation = name, motivation
	return fresh, nil
}
