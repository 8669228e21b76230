package engine

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/asi-evolve/asi/core/llm"
)

// stepper adds step to the parent's value at cost per call.
type stepper struct {
	step  int
	cost  float64
	calls atomic.Int64
}

func (*stepper) Name() string { return "stepper" }

func (p *stepper) Complete(_ context.Context, req llm.Request) (llm.Response, error) {
	p.calls.Add(1)
	m := valueLine.FindStringSubmatch(req.Parents[0].Code)
	var v int
	fmt.Sscan(m[1], &v)
	reply := fmt.Sprintf("<name>add-%d</name>\n<motivation>add</motivation>\n<diff>\n<<<<<<< SEARCH\nvalue = %d\n=======\nvalue = %d\n>>>>>>> REPLACE\n</diff>\n", p.step, v, v+p.step)
	return llm.Response{Content: reply, Usage: llm.Usage{CostUSD: p.cost}}, nil
}

func TestBanditPrefersGainPerDollar(t *testing.T) {
	tests := []struct {
		name       string
		cheap      *stepper // should win
		dear       *stepper
		choice     string
		wantCheapN int64 // at least this many of the 40 steps
	}{
		// dear gains 2 per step at $0.01 (200/$); cheap gains 1 at $0.001 (1000/$).
		{"ucb on gain per dollar", &stepper{step: 1, cost: 0.001}, &stepper{step: 2, cost: 0.01}, ChoiceUCB, 28},
		// Equal weights split the steps roughly in half whatever the gains.
		{"weights ignore gains", &stepper{step: 1, cost: 0.001}, &stepper{step: 2, cost: 0.01}, ChoiceWeights, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openStore(t)
			e := newEngine(t, st, &numberTask{}, nil, func(c *Config) {
				c.Budget.Steps, c.Workers = 40, 1
				c.Researchers = []Arm{{Label: "dear", Provider: tt.dear}, {Label: "cheap", Provider: tt.cheap}}
				c.Choice = tt.choice
			})
			if _, err := e.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			cheap, dear := tt.cheap.calls.Load(), tt.dear.calls.Load()
			t.Logf("cheap %d, dear %d of 40 steps", cheap, dear)
			if cheap+dear != 40 || cheap < tt.wantCheapN {
				t.Fatalf("cheap %d, dear %d calls; want cheap >= %d", cheap, dear, tt.wantCheapN)
			}
			if tt.choice == ChoiceWeights && cheap > 30 {
				t.Fatalf("weights chose cheap %d of 40 times; want about half", cheap)
			}
		})
	}
}

func TestBanditIsRebuiltFromTheStore(t *testing.T) {
	st := openStore(t)
	cheap, dear := &stepper{step: 1, cost: 0.001}, &stepper{step: 2, cost: 0.01}
	arms := []Arm{{Label: "dear", Provider: dear}, {Label: "cheap", Provider: cheap}}
	e := newEngine(t, st, &numberTask{}, nil, func(c *Config) {
		c.Budget.Steps, c.Workers, c.Researchers, c.Choice = 10, 1, arms, ChoiceUCB
	})
	if _, err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	e2 := newEngine(t, st, &numberTask{}, nil, func(c *Config) {
		c.Budget.Steps, c.Workers, c.Researchers, c.Choice = 10, 1, arms, ChoiceUCB
	})
	if err := e2.prepare(context.Background()); err != nil {
		t.Fatal(err)
	}
	if e.bandit.stats[0] != e2.bandit.stats[0] || e.bandit.stats[1] != e2.bandit.stats[1] {
		t.Fatalf("rebuilt arms %+v, live %+v", e2.bandit.stats, e.bandit.stats)
	}
}
