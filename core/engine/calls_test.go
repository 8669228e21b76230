package engine

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/roles"
)

// sentLog keeps every request its providers were sent, by role.
type sentLog struct {
	mu   sync.Mutex
	sent map[string][]llm.Request
}

func (l *sentLog) keep(_ context.Context, req llm.Request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.sent == nil {
		l.sent = map[string][]llm.Request{}
	}
	l.sent[req.Role] = append(l.sent[req.Role], req)
}

// watchedModel shows each request and its context to watch before
// answering with its inner provider.
type watchedModel struct {
	llm.Provider
	watch func(context.Context, llm.Request)
}

func (m watchedModel) Complete(ctx context.Context, req llm.Request) (llm.Response, error) {
	m.watch(ctx, req)
	return m.Provider.Complete(ctx, req)
}

// TestCallsRecordTheRequestsSent checks that each stored call's prompt is
// the request the model was sent, every message as "[role]\ncontent\n",
// for the researcher and for the analyzer, whose request is priced
// against a money budget before it is sent.
func TestCallsRecordTheRequestsSent(t *testing.T) {
	const steps = 3
	var log sentLog
	st := openStore(t)
	analyzer := fixedReply("The edit raised the value.\nInsight: raising the value by one helps.")
	e := newEngine(t, st, &numberTask{}, watchedModel{&incrementer{}, log.keep}, func(c *Config) {
		c.Workers, c.Budget.Steps, c.Budget.USD = 1, steps, 100
		c.Analyzer = roles.LLMAnalyzer{Provider: watchedModel{analyzer, log.keep}}
	})
	if sum, err := e.Run(context.Background()); err != nil || sum.StepsThisRun != steps {
		t.Fatalf("run: %v, %d steps (%s); want %d", err, sum.StepsThisRun, sum.Reason, steps)
	}
	recorded := map[string][]string{}
	for _, n := range checkSteps(t, st, steps)[1:] {
		calls, err := st.Calls(context.Background(), n.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range calls {
			recorded[c.Role] = append(recorded[c.Role], c.Prompt)
		}
	}
	for _, role := range []string{"researcher", "analyzer"} {
		sent := log.sent[role]
		if len(sent) != steps || len(recorded[role]) != steps {
			t.Fatalf("%s: %d requests sent, %d calls recorded; want %d each", role, len(sent), len(recorded[role]), steps)
		}
		for i, req := range sent {
			var want strings.Builder
			for _, m := range req.Messages {
				want.WriteString("[" + m.Role + "]\n" + m.Content + "\n")
			}
			if recorded[role][i] != want.String() {
				t.Errorf("%s call %d: recorded prompt\n%q\nwant the request sent\n%q", role, i+1, recorded[role][i], want.String())
			}
		}
	}
}
