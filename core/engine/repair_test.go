package engine

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/core/task"
)

// bugTask fails any program holding the word BUG, as a compiler would.
type bugTask struct{ numberTask }

func (t *bugTask) Evaluate(ctx context.Context, c task.Candidate, stage int, seed int64) (task.Result, error) {
	if strings.Contains(c.Code, "BUG") {
		return task.Result{Valid: false, Feedback: "compile error: undefined: BUG"}, nil
	}
	return t.numberTask.Evaluate(ctx, c, stage, seed)
}

// scripted is a researcher whose reply depends on the prompt: designs
// introduce a bug, repair prompts remove it.
type scripted struct {
	mu    sync.Mutex
	roles []string
}

func (p *scripted) Name() string { return "scripted" }

func (p *scripted) Complete(_ context.Context, req llm.Request) (llm.Response, error) {
	prompt := req.Messages[len(req.Messages)-1].Content
	p.mu.Lock()
	p.roles = append(p.roles, req.Role)
	p.mu.Unlock()
	usage := llm.Usage{PromptTokens: 10, CompletionTokens: 5, CostUSD: 0.01}
	if strings.Contains(prompt, "failed evaluation") {
		return llm.Response{Content: "<name>fix</name>\n<motivation>drop the undefined name</motivation>\n<diff>\n<<<<<<< SEARCH\nvalue = 2 + BUG\n=======\nvalue = 2\n>>>>>>> REPLACE\n</diff>\n", Usage: usage}, nil
	}
	return llm.Response{Content: "<name>buggy</name>\n<motivation>raise value</motivation>\n<diff>\n<<<<<<< SEARCH\nvalue = 1\n=======\nvalue = 2 + BUG\n>>>>>>> REPLACE\n</diff>\n", Usage: usage}, nil
}

func TestRepairFixesACompileError(t *testing.T) {
	tests := []struct {
		name       string
		maxRepairs int
		wantValid  bool
	}{
		{"repairs on", 1, true},
		{"repairs off", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openStore(t)
			e := newEngine(t, st, &bugTask{}, &scripted{}, func(c *Config) {
				c.Budget.Steps, c.Workers, c.MaxRepairs = 1, 1, tt.maxRepairs
			})
			sum, err := e.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			nodes := checkSteps(t, st, 1)
			n := nodes[1]
			if n.Valid != tt.wantValid {
				t.Fatalf("node valid = %v (%s), want %v", n.Valid, n.Error, tt.wantValid)
			}
			if got := int(n.Metrics[MetricRepairs]); got != tt.maxRepairs || sum.Counters.Repairs != tt.maxRepairs {
				t.Fatalf("repairs metric %d, counter %d, want %d", got, sum.Counters.Repairs, tt.maxRepairs)
			}
			if tt.maxRepairs == 0 {
				return
			}
			if n.Score != 2 || strings.Contains(n.Code, "BUG") {
				t.Fatalf("repaired node scored %v with code %q", n.Score, n.Code)
			}
			names, _ := st.ArtifactNames(context.Background(), n.ID)
			if !strings.Contains(strings.Join(names, ","), "repair-1-failed.txt") {
				t.Fatalf("artifacts %v lack the failed attempt", names)
			}
			failed, _ := st.Artifact(context.Background(), n.ID, "repair-1-failed.txt")
			if !strings.Contains(string(failed), "undefined: BUG") || !strings.Contains(string(failed), "value = 2 + BUG") {
				t.Fatalf("failed attempt artifact = %q", failed)
			}
			calls, _ := st.Calls(context.Background(), n.ID)
			var callRoles []string
			for _, c := range calls {
				callRoles = append(callRoles, c.Role)
			}
			if strings.Join(callRoles, ",") != "researcher,repair" {
				t.Fatalf("calls by role = %v", callRoles)
			}
			events, _ := st.Events(context.Background(), 20)
			found := false
			for _, ev := range events {
				found = found || (ev.Kind == "repair" && strings.Contains(ev.Message, "fixed it"))
			}
			if !found {
				t.Fatalf("no repair event in %+v", events)
			}
		})
	}
}

func TestJudgeAndRepairReplayFromARecording(t *testing.T) {
	path := t.TempDir() + "/calls.jsonl"
	rec, err := llm.NewRecorder(&scripted{}, path)
	if err != nil {
		t.Fatal(err)
	}
	judgePath := t.TempDir() + "/judge.jsonl"
	judgeRec, err := llm.NewRecorder(judgeModel{"novelty: 4\nsoundness: 8"}, judgePath)
	if err != nil {
		t.Fatal(err)
	}
	runOnce := func(researcher, judge llm.Provider) store.Node {
		st := openStore(t)
		e := newEngine(t, st, &bugTask{}, researcher, func(c *Config) {
			c.Budget.Steps, c.Workers, c.MaxRepairs = 1, 1, 1
			c.Judge = &Judge{Provider: judge, Weight: 0.5}
		})
		if _, err := e.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		return checkSteps(t, st, 1)[1]
	}
	live := runOnce(rec, judgeRec)
	rec.Close()
	judgeRec.Close()
	replay, err := llm.NewReplayer(path)
	if err != nil {
		t.Fatal(err)
	}
	judgeReplay, err := llm.NewReplayer(judgePath)
	if err != nil {
		t.Fatal(err)
	}
	replayed := runOnce(replay, judgeReplay)
	if !live.Valid || live.Metrics[MetricRepairs] != 1 || live.Metrics[MetricJudge] != 0.6 {
		t.Fatalf("live node: valid %v, metrics %v", live.Valid, live.Metrics)
	}
	if replayed.Code != live.Code || replayed.Metrics[MetricJudge] != live.Metrics[MetricJudge] || replayed.Metrics[MetricRepairs] != 1 {
		t.Fatalf("replayed node differs: metrics %v, code %q", replayed.Metrics, replayed.Code)
	}
}
