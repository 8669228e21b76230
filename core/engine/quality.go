package engine

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
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

// Novelty sends a candidate whose code embedding is within Threshold
// (cosine similarity) of a stored node's back to the researcher once, with
// the near twin. Confirm, when set, is asked whether the two really are the
// same idea before the candidate is sent back.
type Novelty struct {
	Embedder  cognition.Embedder
	Threshold float64 // default 0.98
	Confirm   llm.Provider
}

// errOverBudget stops a step before a call that the money budget cannot
// afford: the step is handed back and the campaign stops with StopUSD.
var errOverBudget = errors.New("the next call would exceed the money budget")

// reserve books the expected cost of one more LLM call against the money
// budget, or says it does not fit. The dearest call seen so far is the
// estimate, and calls in flight hold their bookings, so spend stays under
// the cap while no call costs more than one already made. unreserve
// releases the booking once the call's real cost is recorded.
func (e *Engine) reserve(ctx context.Context) (float64, bool) {
	if e.cfg.Budget.USD <= 0 {
		return 0, true
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	// Until one call has been priced nothing is known: the first call goes
	// alone and the others wait for its price.
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
	if e.usage.CostUSD+e.reserved+e.maxCall > e.cfg.Budget.USD {
		return 0, false
	}
	e.reserved += e.maxCall
	return e.maxCall, true
}

func (e *Engine) unreserve(est float64) {
	if est == 0 {
		return
	}
	e.mu.Lock()
	e.reserved -= est
	e.mu.Unlock()
}

// affordable says whether one more call would fit now, without booking it.
func (e *Engine) affordable(ctx context.Context) bool {
	est, ok := e.reserve(ctx)
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
	for attempts < e.cfg.MaxRepairs && node.Code != "" && !node.Valid && ctx.Err() == nil {
		if !e.affordable(ctx) {
			*events = append(*events, store.Event{Kind: "repair", Message: fmt.Sprintf("step %d: repair skipped: the money budget cannot afford it", step)})
			break
		}
		attempts++
		failed, failure := node.Code, node.Error
		if artifacts == nil {
			artifacts = map[string][]byte{}
		}
		artifacts[fmt.Sprintf("repair-%d-failed.txt", attempts)] = []byte("error: " + failure + "\n\n" + failed)
		messages := roles.RepairPrompt(e.desc, roleNode(*node))
		resp, err := e.callAs(ctx, step, "repair", res, llm.Request{
			Role: "researcher", Messages: messages, Seed: rng.Int64(),
			Parents: []llm.Parent{{NodeID: 0, Code: failed}},
		})
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
	if j == nil || j.Provider == nil || !node.Valid || !e.affordable(ctx) {
		return
	}
	resp, err := e.callAs(ctx, step, "judge", j.Provider, llm.Request{
		Role: "judge", Messages: roles.JudgePrompt(e.desc, roleNode(*node), j.Rubric),
	})
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

type codeVector struct {
	id  int64
	vec []float32
}

// embedStored embeds the code of the stored nodes for the novelty check.
func (e *Engine) embedStored(ctx context.Context, nodes []store.Node) error {
	nv := e.cfg.Novelty
	if nv == nil || nv.Embedder == nil || len(nodes) == 0 {
		return nil
	}
	texts := make([]string, len(nodes))
	for i, n := range nodes {
		texts[i] = n.Code
	}
	vecs, err := nv.Embedder.Embed(ctx, texts)
	if err != nil {
		return fmt.Errorf("novelty: embed stored nodes: %w", err)
	}
	e.mu.Lock()
	for i, n := range nodes {
		e.vectors = append(e.vectors, codeVector{n.ID, vecs[i]})
	}
	e.mu.Unlock()
	return nil
}

// twin returns the stored node nearest to code when it is within the
// novelty threshold.
func (e *Engine) twin(ctx context.Context, code string) (id int64, sim float64, vec []float32, ok bool) {
	nv := e.cfg.Novelty
	vecs, err := nv.Embedder.Embed(ctx, []string{code})
	if err != nil || len(vecs) != 1 {
		return 0, 0, nil, false
	}
	vec = vecs[0]
	threshold := nv.Threshold
	if threshold <= 0 {
		threshold = 0.98
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	best := -2.0
	for _, v := range e.vectors {
		if s := cosine(vec, v.vec); s > best {
			best, id = s, v.id
		}
	}
	return id, best, vec, best >= threshold
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
	if nv == nil || nv.Embedder == nil || code == "" {
		return code, nil
	}
	id, sim, _, near := e.twin(ctx, code)
	if !near {
		return code, nil
	}
	twinNode, err := e.cfg.Store.Node(ctx, id)
	if err != nil {
		return code, nil // advisory: the node is evaluated as it is
	}
	if nv.Confirm != nil && e.affordable(ctx) {
		resp, err := e.callAs(ctx, step, "novelty", nv.Confirm, llm.Request{
			Role: "novelty", Messages: roles.SameIdeaPrompt(code, twinNode.Code),
		})
		if err == nil && !roles.ParseSame(resp.Content) {
			return code, nil
		}
	}
	if !e.affordable(ctx) {
		return code, nil
	}
	node.Metrics[MetricNovelty] = 1
	*events = append(*events, store.Event{Kind: "novelty", Message: fmt.Sprintf("step %d: %q is a near twin of node %d (similarity %.3f); sent back once", step, node.Name, id, sim)})
	resp, err := e.callAs(ctx, step, "researcher", res, llm.Request{
		Role: "researcher", Messages: roles.DuplicatePrompt(e.desc, roleNode(parent), roleNode(twinNode)),
		Parents: []llm.Parent{{NodeID: parent.ID, Code: parent.Code, Score: parent.Score}}, Seed: rng.Int64(),
	})
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

// addVector remembers a committed node's code embedding.
func (e *Engine) addVector(ctx context.Context, n store.Node) {
	nv := e.cfg.Novelty
	if nv == nil || nv.Embedder == nil || n.Code == "" {
		return
	}
	vecs, err := nv.Embedder.Embed(ctx, []string{n.Code})
	if err != nil || len(vecs) != 1 {
		return
	}
	e.mu.Lock()
	e.vectors = append(e.vectors, codeVector{n.ID, vecs[0]})
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
