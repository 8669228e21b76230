package engine

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/asi-evolve/asi/cognition"
	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/roles"
	"github.com/asi-evolve/asi/core/store"
)

// Metrics the engine adds to a node beside the task's own. They are stored
// with the node, so counters survive a restart and `asi status` can sum
// them. A key is only set when its value is not zero.
const (
	MetricRepairs      = "repairs"            // repair attempts made for the node
	MetricCascadeSaved = "cascade_saved_s"    // estimated evaluation seconds a threshold saved
	MetricNovelty      = "novelty_rejections" // 1 when the first design was a near twin
	MetricJudge        = "judge"              // the judge's score in [0, 1]
)

// Judge scores a valid candidate's design with a rubric; the score is
// blended into the fitness the sampler sees (Node.Score stays the primary
// metric). Weight is in [0, 1].
type Judge struct {
	Provider llm.Provider
	Weight   float64
	Rubric   string // "" uses roles.DefaultRubric
}

// Novelty sends a candidate back to the researcher once, with its twin,
// when a stored node is its twin: always a node with the same program once
// comments, blank lines and the spacing between tokens are set aside (see
// codeKey); and, when Threshold is above 0 and Embedder is set, a node
// whose code embedding is within Threshold cosine similarity. Confirm,
// when set, is asked whether the two really are the same idea before the
// candidate is sent back.
//
// The zero Novelty, what a `novelty {}` block gives, sends back exact
// twins only: with the offline hashing embedder a threshold of 0.98 also
// sends back most edits of a constant or a few lines.
type Novelty struct {
	Embedder  cognition.Embedder // read only when Threshold > 0
	Threshold float64            // cosine similarity in (0, 1]; 0 compares programs only
	Confirm   llm.Provider
}

// embeds reports whether the check compares code embeddings too.
func (nv *Novelty) embeds() bool { return nv.Embedder != nil && nv.Threshold > 0 }

// errOverBudget stops a step before a call that the money budget cannot
// afford: the step is handed back and the campaign stops with StopUSD.
var errOverBudget = errors.New("the next call would exceed the money budget")

// reserve books the most a call of p with req can cost against the money
// budget, or says it does not fit. A provider that bounds its calls
// (llm.MaxCost: the prompt at one token per byte, the reply at its limit,
// at the model's prices) is booked at that bound, so recorded spend never
// passes the cap while the server counts no more tokens than that. A
// provider that cannot bound a call is booked at the dearest call seen so
// far, and the first such call goes alone. Calls in flight hold their
// bookings; unreserve releases one once the call's cost is recorded.
func (e *Engine) reserve(ctx context.Context, p llm.Provider, req llm.Request) (float64, bool) {
	if e.cfg.Budget.USD <= 0 {
		return 0, true
	}
	est, bounded := llm.MaxCost(p, req)
	e.mu.Lock()
	defer e.mu.Unlock()
	if !bounded {
		// Until one call has been priced nothing is known: the first call
		// goes alone and the others wait for its price.
		for !e.priced && e.pricing {
			ch := e.pricedCh
			e.mu.Unlock()
			select {
			case <-ch:
			case <-ctx.Done():
				e.mu.Lock()
				return 0, false
			}
			e.mu.Lock()
		}
		if !e.priced {
			e.pricing = true
		}
		est = e.maxCall
	}
	if e.usage.CostUSD+e.reserved+est > e.cfg.Budget.USD {
		return 0, false
	}
	e.reserved += est
	return est, true
}

func (e *Engine) unreserve(est float64) {
	if est == 0 {
		return
	}
	e.mu.Lock()
	e.reserved -= est
	e.mu.Unlock()
}

// affordable says whether a call of p with req would fit now, without
// booking it.
func (e *Engine) affordable(ctx context.Context, p llm.Provider, req llm.Request) bool {
	est, ok := e.reserve(ctx, p, req)
	e.unreserve(est)
	return ok
}

// stepCost is the expected money cost of one step: the mean over the steps
// done so far. Callers hold mu.
func (e *Engine) stepCost() float64 {
	if e.done == 0 {
		return e.maxCall
	}
	return max(e.usage.CostUSD/float64(e.done), e.maxCall)
}

// repair sends a candidate that failed evaluation back to the researcher
// with the error and its code, up to MaxRepairs times, and re-evaluates
// each fix. Every attempt leaves an event and an artifact holding the code
// that failed; the node's repairs metric counts them.
func (e *Engine) repair(ctx context.Context, step int64, res llm.Provider, rng *rand.Rand, node *store.Node, artifacts map[string][]byte, events *[]store.Event) (map[string][]byte, error) {
	attempts := 0
	defer func() {
		if attempts > 0 {
			node.Metrics[MetricRepairs] = float64(attempts)
		}
	}()
	// A node whose evaluation could not run has nothing to repair.
	for attempts < e.cfg.MaxRepairs && node.Code != "" && !node.Valid && node.Status != store.StatusInfraFailed && ctx.Err() == nil {
		req := llm.Request{
			Role: "researcher", Messages: messagesFor(res, func() []llm.Message { return roles.RepairPrompt(e.desc, roleNode(*node)) }),
			Parents: []llm.Parent{{NodeID: 0, Code: node.Code}},
		}
		if !e.affordable(ctx, res, req) {
			*events = append(*events, store.Event{Kind: "repair", Message: fmt.Sprintf("step %d: repair skipped: the money budget cannot afford it", step)})
			break
		}
		attempts++
		failed, failure := node.Code, node.Error
		if artifacts == nil {
			artifacts = map[string][]byte{}
		}
		artifacts[fmt.Sprintf("repair-%d-failed.txt", attempts)] = []byte("error: " + failure + "\n\n" + failed)
		req.Seed = rng.Int64()
		resp, err := e.callAs(ctx, step, "repair", res, req)
		if errors.Is(err, errOverBudget) {
			delete(artifacts, fmt.Sprintf("repair-%d-failed.txt", attempts))
			attempts--
			*events = append(*events, store.Event{Kind: "repair", Message: fmt.Sprintf("step %d: repair skipped: the money budget cannot afford it", step)})
			break
		}
		if err != nil {
			return artifacts, err
		}
		code, _, motivation, why := applyReply(failed, resp.Content)
		if why != "" {
			*events = append(*events, store.Event{Kind: "repair", Message: fmt.Sprintf("step %d: repair %d unusable: %s", step, attempts, firstLine(why))})
			continue
		}
		node.Code = code
		if motivation != "" {
			node.Motivation += "\nRepair " + strconv.Itoa(attempts) + ": " + motivation
		}
		for k, v := range e.evaluate(ctx, node) {
			artifacts[k] = v
		}
		outcome := "fixed it"
		if !node.Valid {
			outcome = "still fails: " + firstLine(node.Error)
		}
		*events = append(*events, store.Event{Kind: "repair", Message: fmt.Sprintf("step %d: repair %d of %q (%s) %s", step, attempts, node.Name, firstLine(failure), outcome)})
	}
	return artifacts, nil
}

// judge asks the judge role to score a valid candidate and stores the
// score in [0,1] as the judge metric. The judge is advisory: a failed call
// or an unreadable reply becomes a warning event.
func (e *Engine) judge(ctx context.Context, step int64, node *store.Node, events *[]store.Event) {
	j := e.cfg.Judge
	if j == nil || j.Provider == nil || !node.Valid {
		return
	}
	req := llm.Request{Role: "judge", Messages: roles.JudgePrompt(e.desc, roleNode(*node), j.Rubric)}
	if !e.affordable(ctx, j.Provider, req) {
		return
	}
	resp, err := e.callAs(ctx, step, "judge", j.Provider, req)
	if err == nil {
		var score float64
		if score, err = roles.ParseJudgement(resp.Content); err == nil {
			node.Metrics[MetricJudge] = score
			return
		}
	}
	if ctx.Err() == nil {
		*events = append(*events, store.Event{Kind: "warning", Message: fmt.Sprintf("step %d: no judgement: %s", step, firstLine(err.Error()))})
	}
}

// blend is the fitness the sampler sees: the oriented primary score,
// moved toward the judge's score mapped onto the primary scores' observed
// range, so both count on the score's own scale. Callers hold mu.
func (e *Engine) blend(n store.Node) float64 {
	s := e.oriented(n.Score)
	j, ok := n.Metrics[MetricJudge]
	if e.cfg.Judge == nil || e.cfg.Judge.Weight <= 0 || !ok || !n.Valid || !e.hasRange {
		return s
	}
	w := min(e.cfg.Judge.Weight, 1)
	return (1-w)*s + w*(e.lo+j*(e.hi-e.lo))
}

// observeRange widens the observed range of oriented primary scores.
// Callers hold mu.
func (e *Engine) observeRange(n store.Node) {
	if !n.Valid {
		return
	}
	s := e.oriented(n.Score)
	if !e.hasRange {
		e.lo, e.hi, e.hasRange = s, s, true
		return
	}
	e.lo, e.hi = min(e.lo, s), max(e.hi, s)
}

// codeVector is what the novelty check keeps of a stored node: the
// fingerprint of its code and, when embeddings are on, its embedding.
type codeVector struct {
	id  int64
	key [sha256.Size]byte
	vec []float32
}

// embedStored fingerprints (and embeds, when embeddings are on) the code of
// the stored nodes for the novelty check.
func (e *Engine) embedStored(ctx context.Context, nodes []store.Node) error {
	nv := e.cfg.Novelty
	if nv == nil {
		return nil
	}
	nodes = slices.DeleteFunc(slices.Clone(nodes), func(n store.Node) bool { return n.Code == "" })
	if len(nodes) == 0 {
		return nil
	}
	var vecs [][]float32
	if nv.embeds() {
		texts := make([]string, len(nodes))
		for i, n := range nodes {
			texts[i] = n.Code
		}
		var err error
		if vecs, err = nv.Embedder.Embed(ctx, texts); err != nil {
			return fmt.Errorf("novelty: embed stored nodes: %w", err)
		}
	}
	e.mu.Lock()
	for i, n := range nodes {
		v := codeVector{id: n.ID, key: codeKey(e.desc.Language, n.Code)}
		if vecs != nil {
			v.vec = vecs[i]
		}
		e.vectors = append(e.vectors, v)
	}
	e.mu.Unlock()
	return nil
}

// twin returns the stored node code repeats: the first with the same
// fingerprint (exact, similarity 1) or, when embeddings are on, the
// nearest by code embedding when it is within the threshold.
func (e *Engine) twin(ctx context.Context, code string) (id int64, sim float64, exact, ok bool) {
	nv := e.cfg.Novelty
	key := codeKey(e.desc.Language, code)
	var vec []float32
	if nv.embeds() {
		if vecs, err := nv.Embedder.Embed(ctx, []string{code}); err == nil && len(vecs) == 1 {
			vec = vecs[0]
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	best := -2.0
	for _, v := range e.vectors {
		if v.key == key {
			return v.id, 1, true, true
		}
		if vec != nil && v.vec != nil {
			if s := cosine(vec, v.vec); s > best {
				best, id = s, v.id
			}
		}
	}
	if vec == nil {
		return 0, 0, false, false
	}
	return id, best, false, best >= nv.Threshold
}

func cosine(a, b []float32) float64 {
	var dot, na, nb float64
	for i := range min(len(a), len(b)) {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}

// novel checks a designed program against the stored nodes. A near twin
// (confirmed by the Confirm model when one is set) is sent back to the
// researcher once with the twin; what comes back is used whatever it is.
func (e *Engine) novel(ctx context.Context, step int64, res llm.Provider, rng *rand.Rand, parent store.Node, code string, node *store.Node, events *[]store.Event) (string, error) {
	nv := e.cfg.Novelty
	if nv == nil || code == "" {
		return code, nil
	}
	id, sim, exact, near := e.twin(ctx, code)
	if !near {
		return code, nil
	}
	twinNode, err := e.cfg.Store.Node(ctx, id)
	if err != nil {
		return code, nil // advisory: the node is evaluated as it is
	}
	confirm := llm.Request{Role: "novelty", Messages: roles.SameIdeaPrompt(code, twinNode.Code)}
	if nv.Confirm != nil && e.affordable(ctx, nv.Confirm, confirm) {
		resp, err := e.callAs(ctx, step, "novelty", nv.Confirm, confirm)
		if err == nil && !roles.ParseSame(resp.Content) {
			return code, nil
		}
	}
	again := llm.Request{
		Role: "researcher", Messages: messagesFor(res, func() []llm.Message { return roles.DuplicatePrompt(e.desc, roleNode(parent), roleNode(twinNode)) }),
		Parents: []llm.Parent{{NodeID: parent.ID, Code: parent.Code, Score: parent.Score}},
	}
	if !e.affordable(ctx, res, again) {
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

// addVector remembers a committed node's code fingerprint (and embedding,
// when embeddings are on).
func (e *Engine) addVector(ctx context.Context, n store.Node) {
	nv := e.cfg.Novelty
	if nv == nil || n.Code == "" {
		return
	}
	v := codeVector{id: n.ID, key: codeKey(e.desc.Language, n.Code)}
	if nv.embeds() {
		if vecs, err := nv.Embedder.Embed(ctx, []string{n.Code}); err == nil && len(vecs) == 1 {
			v.vec = vecs[0]
		}
	}
	e.mu.Lock()
	e.vectors = append(e.vectors, v)
	e.mu.Unlock()
}

// stageTimer keeps the mean run time of each cascade stage, to estimate
// what a threshold stop saved.
type stageTimer struct {
	sum []time.Duration
	n   []int
}

func (t *stageTimer) add(stage int, d time.Duration) {
	for len(t.sum) <= stage {
		t.sum, t.n = append(t.sum, 0), append(t.n, 0)
	}
	t.sum[stage] += d
	t.n[stage]++
}

// after estimates the time of the stages after stage from their means;
// stages never run yet count nothing.
func (t *stageTimer) after(stage, stages int) time.Duration {
	var d time.Duration
	for i := stage + 1; i < stages && i < len(t.sum); i++ {
		if t.n[i] > 0 {
			d += t.sum[i] / time.Duration(t.n[i])
		}
	}
	return d
}
