package engine

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/roles"
	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/core/task"
)

// PromptEvolution evolves the researcher's system prompt: each step shows
// the researcher one variant of an archive, picked by UCB1 on the mean
// credit of the nodes each variant produced (see store.PromptTally), and
// after every Every-th step a new variant is proposed from the best and
// the worst nodes of the last Every steps. Variant 1 is
// roles.ResearcherFraming.
type PromptEvolution struct {
	// Proposer writes new variants (roles.ProposePrompt); nil uses
	// roles.OfflinePromptVariant. Its failures and garbage replies are
	// warnings: the step goes on without a new variant.
	Proposer    llm.Provider
	Every       int     // steps between proposals; 0 means 10
	Archive     int     // variants in use at once, at least 2; 0 means 8
	Exploration float64 // the UCB constant; 0 always picks the best mean
}

// retireAfterUses is how many nodes a variant must have produced before
// it may be retired to make room: fewer say too little about it.
const retireAfterUses = 5

// promptArchive is the engine's part that picks and evolves the
// researcher's system prompt. It is safe for concurrent use; a nil
// archive (no prompts block) picks nothing and leaves the prompt as is.
type promptArchive struct {
	cfg      PromptEvolution
	maximize bool

	mu       sync.Mutex
	variants []store.PromptVariant // every variant, retired ones too, by id
	tally    store.PromptTally
	picked   map[int64]int64 // the variant of each step in flight, by step
}

func newPromptArchive(cfg *PromptEvolution, direction task.Direction) *promptArchive {
	if cfg == nil {
		return nil
	}
	c := *cfg
	if c.Every <= 0 {
		c.Every = 10
	}
	if c.Archive < 2 {
		c.Archive = 8
	}
	return &promptArchive{cfg: c, maximize: direction != task.Minimize}
}

// rebuild loads the archive and recounts the credits from the store; a
// new campaign gets the built-in framing as variant 1.
func (a *promptArchive) rebuild(ctx context.Context, st *store.Store, links *nodeLinks) error {
	if a == nil {
		return nil
	}
	variants, err := st.PromptVariants(ctx)
	if err != nil {
		return err
	}
	if len(variants) == 0 {
		v := store.PromptVariant{Text: roles.ResearcherFraming, Origin: store.PromptBuiltin}
		if v.ID, err = st.AddPromptVariant(ctx, v, 0); err != nil {
			return err
		}
		variants = []store.PromptVariant{v}
	}
	uses, err := st.PromptUses(ctx)
	if err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.variants = variants
	a.tally = store.PromptTally{}
	links.each(func(n store.Node) {
		variant, ok := uses[n.Step]
		if !ok || len(n.Parents) == 0 {
			return
		}
		parent, _ := links.node(n.Parents[0])
		a.tally.Add(variant, n, parent, a.maximize)
	})
	return nil
}

// pick chooses step's variant, records it before the researcher is asked
// (so a stored node always has its variant) and returns its text. A nil
// archive returns "".
func (a *promptArchive) pick(ctx context.Context, st *store.Store, step int64) (string, error) {
	if a == nil {
		return "", nil
	}
	a.mu.Lock()
	v := a.ucb()
	if a.picked == nil {
		a.picked = map[int64]int64{}
	}
	a.picked[step] = v.ID
	a.mu.Unlock()
	return v.Text, st.SetPromptUse(ctx, step, v.ID)
}

// withSystemPrompt frames a researcher request with the picked variant;
// "" (no prompts block) leaves it as is.
func withSystemPrompt(system string, msgs []llm.Message) []llm.Message {
	if system == "" {
		return msgs
	}
	return roles.FramedResearcherPrompt(system, msgs)
}

// ucb returns the variant in use with the best mean credit plus the UCB1
// bonus; an untried one first. Ties go to the lowest id, so the pick is a
// function of the stored nodes alone and a resumed campaign picks alike.
// Callers hold mu.
func (a *promptArchive) ucb() store.PromptVariant {
	total := 0
	for _, v := range a.variants {
		if !v.Retired {
			total += a.tally.Uses(v.ID)
		}
	}
	var pick store.PromptVariant
	top := math.Inf(-1)
	for _, v := range a.variants {
		if v.Retired {
			continue
		}
		uses := a.tally.Uses(v.ID)
		if uses == 0 {
			return v
		}
		score := a.tally.MeanCredit(v.ID) + a.cfg.Exploration*math.Sqrt(math.Log(float64(total))/float64(uses))
		if score > top {
			pick, top = v, score
		}
	}
	return pick
}

// observe credits a stored node, whose first parent is parent, to the
// variant picked for its step.
func (a *promptArchive) observe(n, parent store.Node) {
	a.mu.Lock()
	defer a.mu.Unlock()
	variant, ok := a.picked[n.Step]
	if !ok {
		return
	}
	delete(a.picked, n.Step)
	a.tally.Add(variant, n, parent, a.maximize)
}

// ranked is the variants in use, best mean credit first (ties: fewer
// uses last, then lowest id). Callers hold mu.
func (a *promptArchive) ranked() []store.PromptVariant {
	var in []store.PromptVariant
	for _, v := range a.variants {
		if !v.Retired {
			in = append(in, v)
		}
	}
	slices.SortStableFunc(in, func(x, y store.PromptVariant) int {
		cx, cy := a.tally.MeanCredit(x.ID), a.tally.MeanCredit(y.ID)
		switch {
		case cx != cy:
			if cx > cy {
				return -1
			}
			return 1
		case a.tally.Uses(x.ID) != a.tally.Uses(y.ID):
			return a.tally.Uses(y.ID) - a.tally.Uses(x.ID)
		}
		return 0
	})
	return in
}

// promptsAfter credits a stored node to its variant and, after every
// Every-th step, proposes a new variant from the analyses of the best and
// worst nodes of the last Every steps (by oriented gain over the parent; a
// failed node is the worst), retiring the worst-credited variant with
// enough uses when the archive is full.
// Nothing it does can fail the step: problems are warning events.
func (e *Engine) promptsAfter(ctx context.Context, n, parent store.Node) {
	a := e.prompts
	if a == nil {
		return
	}
	a.observe(n, parent)
	step := n.Step
	if step%int64(a.cfg.Every) != 0 {
		return
	}
	st := e.cfg.Store
	warn := func(format string, args ...any) {
		st.AddEvent(context.WithoutCancel(ctx), store.Event{Step: step, Kind: "warning", Message: "prompts: " + fmt.Sprintf(format, args...)})
	}
	best, worst, err := e.extremes(ctx, step-int64(a.cfg.Every), step)
	if err != nil {
		warn("no proposal after step %d: %v", step, err)
		return
	}

	a.mu.Lock()
	for _, v := range a.variants {
		if v.CreatedStep == step && v.Origin != store.PromptBuiltin {
			a.mu.Unlock()
			return // proposed before a restart
		}
	}
	ranked := a.ranked()
	if len(ranked) == 0 { // rebuild adds variant 1, and a proposal retires only to add one
		a.mu.Unlock()
		return
	}
	standings := make([]roles.PromptStanding, len(ranked))
	for i, v := range ranked {
		standings[i] = roles.PromptStanding{Text: v.Text, Uses: a.tally.Uses(v.ID), MeanCredit: a.tally.MeanCredit(v.ID)}
	}
	var retire int64
	if len(ranked) >= a.cfg.Archive {
		for i := len(ranked) - 1; i >= 0; i-- {
			if a.tally.Uses(ranked[i].ID) >= retireAfterUses {
				retire = ranked[i].ID
				break
			}
		}
	}
	a.mu.Unlock()
	if len(ranked) >= a.cfg.Archive && retire == 0 {
		st.AddEvent(context.WithoutCancel(ctx), store.Event{Step: step, Kind: "prompts",
			Message: fmt.Sprintf("no new prompt after step %d: the archive is full and no variant has %d uses yet", step, retireAfterUses)})
		return
	}

	v := store.PromptVariant{Parent: ranked[0].ID, CreatedStep: step}
	if p := a.cfg.Proposer; p != nil {
		resp, err := e.callAs(ctx, step, "prompts", p, llm.Request{Role: "prompts", Messages: roles.ProposePrompt(e.desc, standings, best, worst)})
		if err != nil {
			warn("no proposal after step %d: %s", step, firstLine(err.Error()))
			return
		}
		if v.Text, err = roles.ParsePromptProposal(resp.Content); err != nil {
			warn("the proposal after step %d is unusable: %v", step, err)
			return
		}
		v.Origin = store.PromptModel
	} else {
		parents := []string{standings[0].Text}
		if len(standings) > 1 {
			parents = append(parents, standings[1].Text)
		}
		v.Text = roles.OfflinePromptVariant(parents, best, worst, int(step/int64(a.cfg.Every)))
		v.Origin = store.PromptOffline
	}
	if v.Text == "" {
		st.AddEvent(context.WithoutCancel(ctx), store.Event{Step: step, Kind: "prompts",
			Message: fmt.Sprintf("no new prompt after step %d: the offline rules found nothing to add", step)})
		return
	}
	a.mu.Lock()
	for _, old := range a.variants {
		if old.Text == v.Text {
			a.mu.Unlock()
			st.AddEvent(context.WithoutCancel(ctx), store.Event{Step: step, Kind: "prompts",
				Message: fmt.Sprintf("no new prompt after step %d: the proposal repeats variant %d", step, old.ID)})
			return
		}
	}
	a.mu.Unlock()
	id, err := st.AddPromptVariant(context.WithoutCancel(ctx), v, retire)
	if err != nil {
		warn("%v", err)
		return
	}
	v.ID = id
	a.mu.Lock()
	for i := range a.variants {
		if a.variants[i].ID == retire {
			a.variants[i].Retired, a.variants[i].RetiredStep = true, step
		}
	}
	a.variants = append(a.variants, v)
	a.mu.Unlock()
	msg := fmt.Sprintf("prompt variant %d (%s, from variant %d) after step %d: %s", id, v.Origin, v.Parent, step, firstLine(v.Text))
	if retire != 0 {
		msg += fmt.Sprintf("; variant %d retired", retire)
	}
	st.AddEvent(context.WithoutCancel(ctx), store.Event{Step: step, Kind: "prompts", Message: msg})
}

// extremes returns the analyses of the best and the worst node of the
// steps in (from, to], ranked by oriented gain over their first parent;
// a node that is not valid ranks below every valid one. best is "" when no
// node of the window gained.
func (e *Engine) extremes(ctx context.Context, from, to int64) (best, worst string, err error) {
	st := e.cfg.Store
	// The window's nodes have the ids after from's node, up to to's.
	window, err := st.SummariesAfter(ctx, store.NodeID(from), int(to-from))
	if err != nil {
		return "", "", err
	}
	parents := map[int64]store.Node{}
	for _, n := range window {
		if len(n.Parents) == 0 {
			continue
		}
		id := n.Parents[0]
		if _, ok := parents[id]; ok {
			continue
		}
		p, err := st.Summary(ctx, id)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return "", "", err
		}
		parents[id] = p
	}
	gain := func(n store.Node) float64 {
		parent := parents[n.Parents[0]]
		switch {
		case !n.Valid:
			return math.Inf(-1)
		case !parent.Valid:
			return math.Inf(1)
		}
		return e.oriented(n.Score) - e.oriented(parent.Score)
	}
	var hi, lo *store.Node
	for i := range window {
		n := &window[i]
		if n.Step <= from || n.Step > to || n.Step == 0 || len(n.Parents) == 0 || n.Status == store.StatusInfraFailed {
			continue
		}
		if hi == nil || gain(*n) > gain(*hi) {
			hi = n
		}
		if lo == nil || gain(*n) < gain(*lo) {
			lo = n
		}
	}
	analysis := func(n *store.Node) (string, error) {
		full, err := st.Node(ctx, n.ID)
		return full.Analysis, err
	}
	// Only a gain is something that "worked": a window of regressions
	// offers lessons on what to avoid alone.
	if hi != nil && gain(*hi) > 0 {
		if best, err = analysis(hi); err != nil {
			return "", "", err
		}
	}
	if lo != nil && lo != hi {
		if worst, err = analysis(lo); err != nil {
			return "", "", err
		}
	}
	return best, worst, nil
}
