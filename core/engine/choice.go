package engine

import (
	"context"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/core/task"
)

// Arm is one researcher model the engine may choose for a step.
type Arm struct {
	Label    string // names the model in the stored calls; unique
	Provider llm.Provider
	Weight   float64 // share under ChoiceWeights; 0 counts as 1
}

// Ways to choose among Config.Researchers.
const (
	ChoiceWeights = "weights" // at random, in proportion to the weights
	ChoiceUCB     = "ucb"     // UCB1 on primary-score gain per dollar
)

// armStats is what the bandit knows of one arm.
type armStats struct {
	steps int
	gain  float64 // sum of oriented score gains over the parent, floored at 0
	cost  float64 // USD spent on its researcher and repair calls
}

// labeled gives an arm's provider its label as name, so stored calls say
// which arm made them.
type labeled struct {
	llm.Provider
	label string
}

func (l labeled) Name() string { return l.label }

// minCost keeps free models (offline, local servers) comparable: their
// gain counts per this many dollars.
const minCost = 1e-4

// bandit chooses each step's researcher among Config.Researchers and
// learns from the nodes they design. It is safe for concurrent use.
type bandit struct {
	fallback  llm.Provider // Config.Researcher, when there are no arms
	arms      []Arm
	choice    string
	direction task.Direction // how a score gain is measured

	mu    sync.Mutex
	stats []armStats // per arm
}

func newBandit(cfg Config, direction task.Direction) *bandit {
	return &bandit{
		fallback: cfg.Researcher, arms: cfg.Researchers, choice: cfg.Choice, direction: direction,
		stats: make([]armStats, len(cfg.Researchers)),
	}
}

// pick chooses the step's researcher and returns its arm (-1 for the
// fallback). It draws from rng only when there is a choice, so campaigns
// with one researcher keep their random sequence.
func (b *bandit) pick(rng *rand.Rand) (llm.Provider, int) {
	arms := b.arms
	if len(arms) == 0 {
		return b.fallback, -1
	}
	if len(arms) == 1 {
		return labeled{arms[0].Provider, arms[0].Label}, 0
	}
	var i int
	if b.choice == ChoiceUCB {
		b.mu.Lock()
		i = b.ucb(rng)
		b.mu.Unlock()
	} else {
		total := 0.0
		for _, a := range arms {
			total += armWeight(a)
		}
		x := rng.Float64() * total
		for i = 0; i < len(arms)-1; i++ {
			if x -= armWeight(arms[i]); x < 0 {
				break
			}
		}
	}
	return labeled{arms[i].Provider, arms[i].Label}, i
}

func armWeight(a Arm) float64 {
	if a.Weight <= 0 {
		return 1
	}
	return a.Weight
}

// ucb picks an untried arm first, then the arm with the best mean gain
// per dollar (scaled so the best arm's is 1) plus the UCB1 bonus. Ties go
// to a random arm. Callers hold mu.
func (b *bandit) ucb(rng *rand.Rand) int {
	stats := b.stats
	total, best := 0, 0.0
	for i := range b.arms {
		s := stats[i]
		if s.steps == 0 {
			return i
		}
		total += s.steps
		best = max(best, s.gain/max(s.cost, minCost*float64(s.steps)))
	}
	pick, top := rng.IntN(len(stats)), math.Inf(-1)
	for i := range b.arms {
		s := stats[i]
		mean := s.gain / max(s.cost, minCost*float64(s.steps))
		if best > 0 {
			mean /= best
		}
		v := mean + math.Sqrt(2*math.Log(float64(total))/float64(s.steps))
		if v > top {
			pick, top = i, v
		}
	}
	return pick
}

// observe credits a stored node to the arm that designed it, at cost USD.
func (b *bandit) observe(arm int, n store.Node, parentScore float64, parentValid bool, cost float64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if arm < 0 || arm >= len(b.stats) {
		return
	}
	s := &b.stats[arm]
	s.steps++
	s.cost += cost
	if n.Valid {
		if !parentValid {
			s.gain += 1 // a valid program from an invalid parent counts as a unit of progress
		} else {
			s.gain += max(0, orient(b.direction, n.Score)-orient(b.direction, parentScore))
		}
	}
}

// rebuild recovers the bandit from the stored nodes and calls: the arm of
// a node is the label on its researcher calls (the last one's). It reads
// the calls' costs, not their text.
func (b *bandit) rebuild(ctx context.Context, st *store.Store, links *nodeLinks) error {
	if len(b.arms) < 2 {
		return nil
	}
	index := map[string]int{}
	for i, a := range b.arms {
		index[a.Label] = i
	}
	step := int64(-1)
	arm, cost := -1, 0.0
	flush := func() {
		n, ok := links.node(store.NodeID(step))
		if !ok || n.Step == 0 || len(n.Parents) == 0 {
			return
		}
		parent, _ := links.node(n.Parents[0])
		b.observe(arm, n, parent.Score, parent.Valid, cost)
	}
	err := st.EachCallCost(ctx, func(c store.CallCost) error {
		if c.Step != step {
			flush()
			step, arm, cost = c.Step, -1, 0
		}
		if i, ok := index[c.Provider]; ok && (c.Role == "researcher" || c.Role == "repair") {
			arm = i
			cost += c.CostUSD
		}
		return nil
	})
	if err != nil {
		return err
	}
	flush()
	return nil
}
