package engine

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/sampling"
	"github.com/asi-evolve/asi/core/store"
)

// Stall stops a campaign whose best primary score no longer improves.
// After Patience stored steps in a row without an improvement of more
// than MinDelta, Response runs and the count starts again, Responses
// times; the next stall stops the campaign with StopPatience.
//
// Steps are counted in step order, whatever order workers store them in,
// so a resumed campaign, rebuilding the count from the stored nodes and
// its stall events, counts as the first run did. The initial program only
// sets the best to beat. An improvement is a valid node whose primary
// score beats the best by more than MinDelta; it becomes the best. Every
// other stored step, failed ones included, counts towards Patience.
type Stall struct {
	Patience  int     // at least 1
	MinDelta  float64 // in the primary metric's units; not negative
	Response  string  // StallNone, StallReseed, StallTemperature or StallSwitchModel
	Responses int     // times Response runs before the campaign stops
	// Temperature is the researchers' usual temperature; 0 stands for 1,
	// what most servers use when a request names none.
	Temperature float64
}

// Responses to a stall.
const (
	// StallNone stops the campaign at the first stall.
	StallNone = "none"
	// StallReseed re-populates the sampler's worst island from the whole
	// archive (sampling.Reseeder); the sampler must have islands.
	StallReseed = "reseed"
	// StallTemperature raises the researcher's temperature by
	// StallTemperatureFactor, to StallTemperatureCap at most, for the
	// Patience steps after the stall.
	StallTemperature = "temperature"
	// StallSwitchModel hands the Patience steps after the k-th stall to
	// researcher k mod n of Config.Researchers (the second listed first);
	// the usual choice resumes after them. It needs two researchers.
	StallSwitchModel = "switch_model"
)

const (
	// StallTemperatureFactor multiplies the usual temperature.
	StallTemperatureFactor = 1.5
	// StallTemperatureCap is the highest temperature OpenAI-compatible
	// servers accept.
	StallTemperatureCap = 2.0
)

// StopPatience is the StopReason of a campaign stopped by Stall.
const StopPatience StopReason = "no improvement within the stop patience"

// StallEvent is the kind of the event stored for each stall that ran a
// response; resuming replays them.
const StallEvent = "stall"

// stallWatch counts the steps since the best last improved. It is safe for
// concurrent use; the engine calls observe under its own lock.
type stallWatch struct {
	cfg    *Stall // nil: never stalls
	arms   []Arm
	mu     sync.Mutex
	next   int64                // the next step to count
	queued map[int64]store.Node // stored steps waiting for an earlier one
	best   float64              // oriented
	has    bool
	since  int // steps counted since the last improvement or response
	used   int // responses run
	stored map[int64]bool
	// windows holds the steps of the temperature and switch_model stalls,
	// in order: their effect covers the Patience steps after each.
	windows []int64
	fired   []store.Event // stall events not stored yet
	stopped bool
}

func newStallWatch(cfg Config) (*stallWatch, error) {
	w := &stallWatch{cfg: cfg.Stall, arms: cfg.Researchers, queued: map[int64]store.Node{}, stored: map[int64]bool{}}
	s := cfg.Stall
	if s == nil {
		return w, nil
	}
	switch {
	case s.Patience < 1:
		return nil, fmt.Errorf("engine: stall patience %d: must be at least 1", s.Patience)
	case s.MinDelta < 0:
		return nil, fmt.Errorf("engine: stall min delta %v: must not be negative", s.MinDelta)
	}
	switch s.Response {
	case StallNone, StallTemperature:
	case StallReseed:
		if _, ok := cfg.Sampler.(sampling.Reseeder); !ok {
			return nil, fmt.Errorf("engine: stall response %q: the %s sampler has no islands to reseed", s.Response, cfg.Sampler.Name())
		}
	case StallSwitchModel:
		if len(cfg.Researchers) < 2 {
			return nil, fmt.Errorf("engine: stall response %q: needs at least two researchers, have %d", s.Response, len(cfg.Researchers))
		}
	default:
		return nil, fmt.Errorf("engine: unknown stall response %q", s.Response)
	}
	return w, nil
}

// load reads the stored stall events before the nodes are replayed: a
// stall stored at a step counts as one there, whatever Patience is now.
func (w *stallWatch) load(ctx context.Context, st *store.Store) error {
	if w.cfg == nil {
		return nil
	}
	events, err := st.EventsOfKind(ctx, StallEvent)
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, ev := range events {
		w.stored[ev.Step] = true
	}
	return nil
}

// observe counts a stored node once every earlier step is counted, runs
// the response of a stall on sampler, and reports whether the campaign
// must stop. oriented turns a score into "larger is better".
func (w *stallWatch) observe(n store.Node, oriented func(float64) float64, sampler sampling.Sampler) bool {
	if w.cfg == nil {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if n.Step < w.next {
		return w.stopped
	}
	w.queued[n.Step] = n
	for {
		next, ok := w.queued[w.next]
		if !ok {
			break
		}
		delete(w.queued, w.next)
		w.count(next, oriented, sampler)
		w.next++
	}
	return w.stopped
}

// count adds one step in step order. Callers hold mu.
func (w *stallWatch) count(n store.Node, oriented func(float64) float64, sampler sampling.Sampler) {
	score := oriented(n.Score)
	improved := n.Valid && (!w.has || score > w.best+w.cfg.MinDelta)
	if improved {
		w.best, w.has = score, true
	}
	if n.Step == 0 {
		return
	}
	if improved {
		w.since = 0
	} else {
		w.since++
	}
	if w.since < w.cfg.Patience && !w.stored[n.Step] {
		return
	}
	if !w.stored[n.Step] && (w.cfg.Response == StallNone || w.used >= w.cfg.Responses) {
		w.stopped = true
		return
	}
	w.used++
	what := w.respond(n.Step, sampler)
	if !w.stored[n.Step] {
		w.stored[n.Step] = true
		w.fired = append(w.fired, store.Event{
			Step: n.Step, NodeID: n.ID, Kind: StallEvent,
			Message: fmt.Sprintf("step %d: no improvement of the best score by more than %g in %d steps; %s (response %d of %d)",
				n.Step, w.cfg.MinDelta, w.since, what, w.used, w.cfg.Responses),
		})
	}
	w.since = 0
}

// respond runs the response to a stall at step and says what it did.
// Callers hold mu.
func (w *stallWatch) respond(step int64, sampler sampling.Sampler) string {
	first, last := step+1, step+int64(w.cfg.Patience)
	switch w.cfg.Response {
	case StallReseed:
		island, members := sampler.(sampling.Reseeder).Reseed()
		ids := make([]string, len(members))
		for i, id := range members {
			ids[i] = fmt.Sprint(id)
		}
		return fmt.Sprintf("reseeded island %d with nodes %s", island, strings.Join(ids, ", "))
	case StallTemperature:
		w.windows = append(w.windows, step)
		return fmt.Sprintf("researcher temperature %.2f for steps %d to %d", w.raised(), first, last)
	case StallSwitchModel:
		w.windows = append(w.windows, step)
		arm := w.arms[len(w.windows)%len(w.arms)]
		return fmt.Sprintf("researcher %s for steps %d to %d", arm.Label, first, last)
	}
	return "no response"
}

func (w *stallWatch) raised() float64 {
	base := w.cfg.Temperature
	if base <= 0 {
		base = 1
	}
	return min(base*StallTemperatureFactor, StallTemperatureCap)
}

// window returns which stall's window (1 for the first) covers step, or 0.
// Callers hold mu.
func (w *stallWatch) window(step int64) int {
	for k := len(w.windows); k > 0; k-- {
		s := w.windows[k-1]
		if s < step && step <= s+int64(w.cfg.Patience) {
			return k
		}
	}
	return 0
}

// temperature is the researcher temperature for step: the raised one
// inside a temperature window, else 0 (the provider's own).
func (w *stallWatch) temperature(step int64) float64 {
	if w.cfg == nil || w.cfg.Response != StallTemperature {
		return 0
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.window(step) == 0 {
		return 0
	}
	return w.raised()
}

// researcher returns the researcher of step: the bandit's pick, unless a
// switch_model window covers the step.
func (w *stallWatch) researcher(step int64, res llm.Provider, arm int) (llm.Provider, int) {
	if w.cfg == nil || w.cfg.Response != StallSwitchModel {
		return res, arm
	}
	w.mu.Lock()
	k := w.window(step)
	w.mu.Unlock()
	if k == 0 {
		return res, arm
	}
	i := k % len(w.arms)
	return labeled{w.arms[i].Provider, w.arms[i].Label}, i
}

// takeFired hands over the stall events not stored yet.
func (w *stallWatch) takeFired() []store.Event {
	w.mu.Lock()
	defer w.mu.Unlock()
	fired := w.fired
	w.fired = nil
	return fired
}

// putBack returns events that could not be stored, to try again later.
func (w *stallWatch) putBack(events []store.Event) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.fired = append(events, w.fired...)
}

// recordStalls stores the stall events fired since the last call; on an
// error they are kept for the next call.
func (e *Engine) recordStalls(ctx context.Context) error {
	fired := e.stall.takeFired()
	for i, ev := range fired {
		if err := e.cfg.Store.AddEvent(ctx, ev); err != nil {
			e.stall.putBack(fired[i:])
			return fmt.Errorf("store stall event of step %d: %w", ev.Step, err)
		}
	}
	return nil
}

// watchStall counts a stored node towards Stall and stops the campaign
// once it has stalled with no response left. Callers hold mu.
func (e *Engine) watchStall(n store.Node) {
	if e.stall.observe(n, e.oriented, e.cfg.Sampler) && !e.stopping {
		e.stopping, e.reason = true, StopPatience
	}
}
