package engine

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/roles"
	"github.com/asi-evolve/asi/core/sampling"
	"github.com/asi-evolve/asi/core/store"
)

// sinker is a researcher that never improves: it lowers the parent's value
// by one. It records the temperature of each request.
type sinker struct {
	mu           sync.Mutex
	temperatures []float64
}

func (*sinker) Name() string { return "sinker" }

func (p *sinker) Complete(_ context.Context, req llm.Request) (llm.Response, error) {
	p.mu.Lock()
	p.temperatures = append(p.temperatures, req.Temperature)
	p.mu.Unlock()
	v, _ := strconv.Atoi(valueLine.FindStringSubmatch(req.Parents[0].Code)[1])
	reply := fmt.Sprintf("<name>sink-%d</name>\n<motivation>try %d</motivation>\n<diff>\n<<<<<<< SEARCH\nvalue = %d\n=======\nvalue = %d\n>>>>>>> REPLACE\n</diff>\n", v-1, v-1, v, v-1)
	return llm.Response{Content: reply, Model: "sink"}, nil
}

// spyReseeder counts the Reseed calls reaching an island sampler.
type spyReseeder struct {
	sampling.Sampler
	reseeds int
}

func (s *spyReseeder) Reseed() (int, []int64) {
	s.reseeds++
	return s.Sampler.(sampling.Reseeder).Reseed()
}

func stallEvents(t *testing.T, st *store.Store) []store.Event {
	t.Helper()
	events, err := st.EventsOfKind(context.Background(), StallEvent)
	if err != nil {
		t.Fatal(err)
	}
	return events
}

func runStall(t *testing.T, st *store.Store, p llm.Provider, steps int, stall Stall, mutate func(*Config)) Summary {
	t.Helper()
	e := newEngine(t, st, &numberTask{}, p, func(c *Config) {
		c.Workers, c.Budget.Steps, c.Stall = 1, steps, &stall
		if mutate != nil {
			mutate(c)
		}
	})
	sum, err := e.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// allCalls marks calls 1 to n.
func allCalls(n int) map[int]bool {
	m := map[int]bool{}
	for i := 1; i <= n; i++ {
		m[i] = true
	}
	return m
}

func TestStallStopsAtPatience(t *testing.T) {
	tests := []struct {
		name       string
		researcher llm.Provider
		stall      Stall
		wantDone   int
		wantReason StopReason
	}{
		{name: "never improves", researcher: &sinker{}, stall: Stall{Patience: 3, Response: StallNone}, wantDone: 3, wantReason: StopPatience},
		{name: "garbage replies count", researcher: &incrementer{garbage: allCalls(30)}, stall: Stall{Patience: 2, Response: StallNone}, wantDone: 2, wantReason: StopPatience},
		{name: "improves every step", researcher: &incrementer{}, stall: Stall{Patience: 2, Response: StallNone}, wantDone: 10, wantReason: StopSteps},
		// Four steps of one each gain 4 over the initial program: not more than 5.
		{name: "gains within min delta", researcher: &incrementer{}, stall: Stall{Patience: 4, MinDelta: 5, Response: StallNone}, wantDone: 4, wantReason: StopPatience},
		{name: "gains beyond min delta", researcher: &incrementer{}, stall: Stall{Patience: 4, MinDelta: 0.5, Response: StallNone}, wantDone: 10, wantReason: StopSteps},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openStore(t)
			sum := runStall(t, st, tt.researcher, 10, tt.stall, nil)
			checkSteps(t, st, tt.wantDone)
			if sum.Reason != tt.wantReason || sum.Done != tt.wantDone {
				t.Errorf("stopped after %d steps: %s; want %d: %s", sum.Done, sum.Reason, tt.wantDone, tt.wantReason)
			}
			if events := stallEvents(t, st); len(events) != 0 {
				t.Errorf("stall events %v without a response", events)
			}
		})
	}
}

func TestStallReseedThenStop(t *testing.T) {
	st := openStore(t)
	island, err := sampling.New("island", sampling.Options{Islands: 2, MigrationInterval: 1000})
	if err != nil {
		t.Fatal(err)
	}
	spy := &spyReseeder{Sampler: island}
	sum := runStall(t, st, &sinker{}, 20, Stall{Patience: 2, Response: StallReseed, Responses: 2}, func(c *Config) { c.Sampler = spy })
	// Stalls at steps 2 and 4 reseed; the one at step 6 stops.
	checkSteps(t, st, 6)
	if sum.Reason != StopPatience || spy.reseeds != 2 {
		t.Fatalf("stopped at %d steps (%s) after %d reseeds; want 6, patience, 2", sum.Done, sum.Reason, spy.reseeds)
	}
	events := stallEvents(t, st)
	if len(events) != 2 || events[0].Step != 2 || events[1].Step != 4 {
		t.Fatalf("stall events %+v, want steps 2 and 4", events)
	}
	if msg := events[0].Message; !strings.Contains(msg, "reseeded island") || !strings.Contains(msg, "response 1 of 2") {
		t.Errorf("event message %q", msg)
	}
}

// TestStallResumeKeepsTheCount stops a stuck campaign by its step budget
// before and after a reseed, and checks that resuming stops it where one
// run would have.
func TestStallResumeKeepsTheCount(t *testing.T) {
	stall := Stall{Patience: 3, Response: StallReseed, Responses: 1}
	newSpy := func() *spyReseeder {
		s, err := sampling.New("island", sampling.Options{Islands: 2, MigrationInterval: 1000})
		if err != nil {
			t.Fatal(err)
		}
		return &spyReseeder{Sampler: s}
	}
	for _, first := range []int{2, 4} {
		t.Run(fmt.Sprintf("first run of %d steps", first), func(t *testing.T) {
			st := openStore(t)
			runStall(t, st, &sinker{}, first, stall, func(c *Config) { c.Sampler = newSpy() })
			spy := newSpy()
			sum := runStall(t, st, &sinker{}, 20, stall, func(c *Config) { c.Sampler = spy })
			// One run: the stall at step 3 reseeds, the one at step 6 stops.
			checkSteps(t, st, 6)
			if sum.Reason != StopPatience {
				t.Errorf("stop reason %s", sum.Reason)
			}
			if events := stallEvents(t, st); len(events) != 1 || events[0].Step != 3 {
				t.Errorf("stall events %+v, want one at step 3", events)
			}
			if spy.reseeds != 1 {
				t.Errorf("resumed sampler reseeded %d times, want 1 (replayed or run)", spy.reseeds)
			}
		})
	}
}

func TestStallRaisesTemperature(t *testing.T) {
	p := &sinker{}
	runStall(t, openStore(t), p, 20, Stall{Patience: 2, Response: StallTemperature, Responses: 1, Temperature: 0.8}, nil)
	// Steps 3 and 4 follow the stall at step 2; the stall at 4 stops.
	if diff := cmp.Diff([]float64{0, 0, 1.2000000000000002, 1.2000000000000002}, p.temperatures); diff != "" {
		t.Errorf("temperatures by step (-want +got):\n%s", diff)
	}
}

func TestStallSwitchesModel(t *testing.T) {
	st := openStore(t)
	arms := []Arm{{Label: "model.a", Provider: &sinker{}, Weight: 1000}, {Label: "model.b", Provider: &sinker{}, Weight: 0.001}}
	runStall(t, st, &sinker{}, 20, Stall{Patience: 2, Response: StallSwitchModel, Responses: 1}, func(c *Config) {
		c.Researcher, c.Researchers = nil, arms
	})
	var got []string
	for id := int64(2); id <= 5; id++ {
		calls, err := st.Calls(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, calls[0].Provider)
	}
	if diff := cmp.Diff([]string{"model.a", "model.a", "model.b", "model.b"}, got); diff != "" {
		t.Errorf("researchers of steps 1-4 (-want +got):\n%s", diff)
	}
}

func TestStallConfigErrors(t *testing.T) {
	tests := []struct {
		name  string
		stall Stall
		want  string
	}{
		{name: "reseed without islands", stall: Stall{Patience: 2, Response: StallReseed, Responses: 1}, want: "greedy sampler has no islands"},
		{name: "switch with one researcher", stall: Stall{Patience: 2, Response: StallSwitchModel, Responses: 1}, want: "needs at least two researchers"},
		{name: "no patience", stall: Stall{Response: StallNone}, want: "patience 0"},
		{name: "unknown response", stall: Stall{Patience: 1, Response: "pray"}, want: `unknown stall response "pray"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sampler, _ := sampling.New("greedy", sampling.Options{})
			_, err := New(context.Background(), Config{
				Store: openStore(t), Task: &numberTask{}, Researcher: &sinker{}, Analyzer: roles.OfflineAnalyzer{}, Sampler: sampler, Stall: &tt.stall,
			})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New() error = %v, want one saying %q", err, tt.want)
			}
		})
	}
}

// TestStallWindows checks which steps a response covers: the patience
// steps after the stall, not the stall's own step.
func TestStallWindows(t *testing.T) {
	w := &stallWatch{cfg: &Stall{Patience: 2, Response: StallTemperature, Temperature: 1}, windows: []int64{4}}
	var got []float64
	for step := int64(3); step <= 7; step++ {
		got = append(got, w.temperature(step))
	}
	if diff := cmp.Diff([]float64{0, 0, 1.5, 1.5, 0}, got); diff != "" {
		t.Errorf("temperatures of steps 3-7 (-want +got):\n%s", diff)
	}
}

// TestStallCountsInStepOrder stores steps out of order, as concurrent
// workers do, and checks that the count waits for the missing step.
func TestStallCountsInStepOrder(t *testing.T) {
	node := func(step int64, valid bool, score float64) store.Node {
		return store.Node{ID: store.NodeID(step), Step: step, Valid: valid, Score: score}
	}
	same := func(s float64) float64 { return s }
	w, err := newStallWatch(Config{Stall: &Stall{Patience: 2, Response: StallNone}})
	if err != nil {
		t.Fatal(err)
	}
	// Step 1 improves; steps 2 and 3 do not. Stored as 0, 2, 3, then 1.
	for _, n := range []store.Node{node(0, true, 1), node(2, true, 0), node(3, false, 0)} {
		if w.observe(n, same, nil) {
			t.Fatalf("stopped at step %d, before step 1 is stored", n.Step)
		}
	}
	if !w.observe(node(1, true, 5), same, nil) {
		t.Error("steps 2 and 3 after the improvement at step 1 did not stop the campaign")
	}
}
