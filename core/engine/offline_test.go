package engine

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/asi-evolve/asi/cognition"
	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/roles"
	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/core/task"
)

// TestOfflineRunCountsNoModelUsage: the offline search operator's answers
// are kept on their nodes but are no model's calls: no calls, tokens or
// cost, so a token budget of one is never reached, and no prompt is built.
func TestOfflineRunCountsNoModelUsage(t *testing.T) {
	st := openStore(t)
	e := newEngine(t, st, &numberTask{}, roles.NewOffline(), func(c *Config) {
		c.Budget = Budget{Steps: 6, Tokens: 1, USD: 0.0001}
	})
	sum, err := e.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Reason != StopSteps || sum.Done != 6 {
		t.Fatalf("stopped because %q after %d steps; want the step budget after 6", sum.Reason, sum.Done)
	}
	stored, err := st.Usage(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []store.Usage{sum.Usage, stored} {
		if u.Calls != 0 || u.Tokens() != 0 || u.CostUSD != 0 || u.Offline < 6 {
			t.Errorf("usage %+v; want no calls, tokens or cost and at least 6 offline answers", u)
		}
	}
	calls, err := st.Calls(context.Background(), 2)
	if err != nil || len(calls) == 0 {
		t.Fatalf("node 2 calls: %v, %v", calls, err)
	}
	for _, c := range calls {
		if c.Provider != store.OfflineProvider || c.Prompt != "" || c.PromptTokens+c.CompletionTokens != 0 || c.Reply == "" {
			t.Errorf("call %+v; want an offline answer with its reply, no prompt and no tokens", c)
		}
	}
}

// TestOfflineInsightsStayOutUnlessAsked: what the offline analyzer
// concludes reaches the cognition base only when the campaign lets it,
// tagged and sourced as offline; a model analyzer's insight is not.
func TestOfflineInsightsStayOutUnlessAsked(t *testing.T) {
	tests := []struct {
		name     string
		analyzer roles.Analyzer
		allow    bool
		want     int  // insight items written
		offline  bool // ... tagged offline
	}{
		{name: "offline analyzer, not asked", analyzer: roles.OfflineAnalyzer{}, want: 0},
		{name: "offline analyzer, asked", analyzer: roles.OfflineAnalyzer{}, allow: true, want: 4, offline: true},
		{name: "model analyzer", analyzer: roles.LLMAnalyzer{Provider: insightModel{}}, want: 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openStore(t)
			f := &fakeCognition{}
			e := newEngine(t, st, &numberTask{}, &incrementer{}, func(c *Config) {
				c.Budget.Steps, c.Workers = 4, 1
				c.Analyzer, c.Cognition, c.OfflineInsights = tt.analyzer, f, tt.allow
			})
			if _, err := e.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			var insights []cognition.Item
			for _, it := range f.written {
				if it.Kind == cognition.KindInsight {
					insights = append(insights, it)
				}
			}
			if len(insights) != tt.want {
				t.Fatalf("%d insights written, want %d: %+v", len(insights), tt.want, insights)
			}
			for _, it := range insights {
				tagged := slices.Contains(it.Tags, TagOffline)
				sourced := strings.Contains(it.Source, "offline analyzer")
				if tagged != tt.offline || sourced != tt.offline {
					t.Errorf("insight %+v: tagged offline %v, source says offline %v; want %v", it, tagged, sourced, tt.offline)
				}
			}
		})
	}
}

// insightModel is an analyzer model that always states one insight.
type insightModel struct{}

func (insightModel) Name() string { return "insight-model" }

func (insightModel) Complete(context.Context, llm.Request) (llm.Response, error) {
	return llm.Response{Content: "It went up.\nInsight: raising the value helps."}, nil
}

// brokenStart is the number task with an initial program that has no
// value line, so the task finds it invalid.
type brokenStart struct{ numberTask }

func (t *brokenStart) Describe(ctx context.Context) (task.Description, error) {
	d, err := t.numberTask.Describe(ctx)
	d.InitialProgram = strings.Replace(d.InitialProgram, "value = 1", "vale = 1", 1)
	return d, err
}

// TestInitialFailureStopsWithItsReason: a campaign whose initial program
// fails stops before any step, says so and why, and leaves no step
// unfinished; a second run says the same.
func TestInitialFailureStopsWithItsReason(t *testing.T) {
	st := openStore(t)
	res := &incrementer{}
	for run := range 2 {
		e := newEngine(t, st, &brokenStart{}, res, nil)
		sum, err := e.Run(context.Background())
		if !errors.Is(err, ErrInitialFailed) || !strings.Contains(err.Error(), "no value line") {
			t.Fatalf("run %d: err = %v; want ErrInitialFailed with the task's feedback", run, err)
		}
		if sum.Reason != StopInitial || sum.InitialValid || sum.Done != 0 {
			t.Errorf("run %d: summary %+v; want stopped by the initial program, no step done", run, sum)
		}
		counts, err := st.Steps(context.Background())
		if err != nil || counts.Running+counts.Abandoned != 0 {
			t.Errorf("run %d: steps %+v (%v); want none unfinished", run, counts, err)
		}
	}
	if res.calls != 0 {
		t.Errorf("the researcher was called %d times; want never", res.calls)
	}
}
