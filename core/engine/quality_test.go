package engine

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

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

// stagedTask has a cheap stage 0 scoring the value and a slow stage 1.
type stagedTask struct {
	numberTask
	stage1 atomic.Int64
}

func (t *stagedTask) Describe(ctx context.Context) (task.Description, error) {
	d, _ := t.numberTask.Describe(ctx)
	d.Stages = []task.Stage{{Name: "quick"}, {Name: "full"}}
	return d, nil
}

func (t *stagedTask) Evaluate(ctx context.Context, c task.Candidate, stage int, seed int64) (task.Result, error) {
	if stage == 1 {
		t.stage1.Add(1)
		time.Sleep(2 * time.Millisecond)
	}
	return t.numberTask.Evaluate(ctx, c, stage, seed)
}

func TestCascadeThresholdSkipsLaterStages(t *testing.T) {
	st := openStore(t)
	tk := &stagedTask{}
	// The campaign's threshold overrides the task's (none): the
	// incrementer climbs 2, 3, 4, 5 from the initial 1.
	e := newEngine(t, st, tk, &incrementer{}, func(c *Config) {
		c.Budget.Steps, c.Workers = 4, 1
		c.Thresholds = map[string]float64{"quick": 3.5}
	})
	sum, err := e.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	nodes := checkSteps(t, st, 4)
	// Values 1, 2, 3 are under 3.5 and skip stage "full"; 4 and 5 run it.
	if got := tk.stage1.Load(); got != 2 {
		t.Fatalf("stage 1 ran %d times, want 2", got)
	}
	stopped := 0
	for _, n := range nodes {
		if _, ok := n.Metrics[MetricCascadeSaved]; ok {
			stopped++
			if !strings.Contains(n.Feedback, "short of its threshold 3.5") {
				t.Fatalf("node %d feedback = %q", n.ID, n.Feedback)
			}
		}
	}
	if stopped != 3 || sum.Counters.CascadeStops != 3 {
		t.Fatalf("stopped nodes %d, counter %d, want 3", stopped, sum.Counters.CascadeStops)
	}
}

func TestCascadeCountsSavedTime(t *testing.T) {
	st := openStore(t)
	tk := &stagedTask{}
	// Every candidate passes the threshold, so stage 1's time is measured
	// and a later stop would be credited with it.
	e := newEngine(t, st, tk, &incrementer{}, func(c *Config) {
		c.Budget.Steps, c.Workers = 2, 1
		c.Thresholds = map[string]float64{"quick": 0.5}
	})
	if _, err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.mu.Lock()
	saved := e.stageTimes.after(0, 2)
	e.mu.Unlock()
	if saved < 2*time.Millisecond {
		t.Fatalf("estimated stage-1 time %v, want >= 2ms", saved)
	}
}

func TestJudgeBlendUsesTheScoresRange(t *testing.T) {
	tests := []struct {
		name      string
		direction task.Direction
		weight    float64
		score     float64
		judge     float64
		want      float64
	}{
		{"maximize, best judge", task.Maximize, 0.5, 10, 1, 15},
		{"maximize, worst judge", task.Maximize, 0.5, 20, 0, 15},
		{"minimize, best judge", task.Minimize, 0.5, 20, 1, -15},
		{"weight zero", task.Maximize, 0, 10, 1, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &Engine{desc: task.Description{Direction: tt.direction}, cfg: Config{Judge: &Judge{Weight: tt.weight}}}
			e.observeRange(store.Node{Valid: true, Score: 10})
			e.observeRange(store.Node{Valid: true, Score: 20})
			got := e.blend(store.Node{Valid: true, Score: tt.score, Metrics: map[string]float64{MetricJudge: tt.judge}})
			if got != tt.want {
				t.Fatalf("blend = %v, want %v", got, tt.want)
			}
		})
	}
}

// judgeModel answers a fixed rubric.
type judgeModel struct{ reply string }

func (judgeModel) Name() string { return "judge" }
func (j judgeModel) Complete(context.Context, llm.Request) (llm.Response, error) {
	return llm.Response{Content: j.reply, Usage: llm.Usage{CostUSD: 0.001}}, nil
}

func TestJudgeScoresCandidates(t *testing.T) {
	st := openStore(t)
	e := newEngine(t, st, &numberTask{}, &incrementer{}, func(c *Config) {
		c.Budget.Steps, c.Workers = 2, 1
		c.Judge = &Judge{Provider: judgeModel{"novelty: 8\nsoundness: 6/10\n- complexity: 10"}, Weight: 0.3}
	})
	sum, err := e.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	nodes := checkSteps(t, st, 2)
	if got := nodes[2].Metrics[MetricJudge]; got != 0.8 {
		t.Fatalf("judge metric = %v, want 0.8", got)
	}
	if sum.Counters.Judged != 2 || nodes[2].Score != 3 {
		t.Fatalf("judged %d, score %v: the primary score must stay raw", sum.Counters.Judged, nodes[2].Score)
	}
}

// valueEmbedder embeds a program as (1, value/1000): programs with close
// values are near twins.
type valueEmbedder struct{}

func (valueEmbedder) Name() string { return "value" }
func (valueEmbedder) Dim() int     { return 2 }
func (valueEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, s := range texts {
		v := 0
		if m := valueLine.FindStringSubmatch(s); m != nil {
			v, _ = strconv.Atoi(m[1])
		}
		out[i] = []float32{1, float32(v) / 1000}
	}
	return out, nil
}

// twinMaker proposes value 2 unless told it repeats itself, then 1000.
type twinMaker struct{ calls atomic.Int64 }

func (*twinMaker) Name() string { return "twins" }
func (p *twinMaker) Complete(_ context.Context, req llm.Request) (llm.Response, error) {
	p.calls.Add(1)
	v := 2
	if strings.Contains(req.Messages[0].Content, "nearly the same") {
		v = 1000
	}
	return llm.Response{Content: fmt.Sprintf("<name>v%d</name>\n<motivation>try %d</motivation>\n<diff>\n<<<<<<< SEARCH\nvalue = 1\n=======\nvalue = %d\n>>>>>>> REPLACE\n</diff>\n", v, v, v)}, nil
}

type answer string

func (answer) Name() string { return "confirm" }
func (a answer) Complete(context.Context, llm.Request) (llm.Response, error) {
	return llm.Response{Content: string(a)}, nil
}

func TestNoveltyRejectsANearDuplicate(t *testing.T) {
	tests := []struct {
		name      string
		confirm   llm.Provider
		wantValue float64
		wantCount int
	}{
		{"embedding only", nil, 1000, 1},
		{"confirmed by a model", answer("Yes, the same idea."), 1000, 1},
		{"model says different", answer("No."), 2, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openStore(t)
			e := newEngine(t, st, &numberTask{}, &twinMaker{}, func(c *Config) {
				c.Budget.Steps, c.Workers = 1, 1
				c.Novelty = &Novelty{Embedder: valueEmbedder{}, Threshold: 0.99, Confirm: tt.confirm}
			})
			sum, err := e.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			nodes := checkSteps(t, st, 1)
			if nodes[1].Score != tt.wantValue || sum.Counters.NoveltyRejections != tt.wantCount {
				t.Fatalf("score %v, rejections %d; want %v, %d", nodes[1].Score, sum.Counters.NoveltyRejections, tt.wantValue, tt.wantCount)
			}
		})
	}
}

func TestMoneyCapIsNeverExceeded(t *testing.T) {
	tests := []struct {
		name    string
		workers int
		cap     float64
	}{
		{"one worker", 1, 0.035},
		{"three workers", 3, 0.025},
		{"three workers, larger cap", 3, 0.105},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openStore(t)
			e := newEngine(t, st, &numberTask{}, &incrementer{}, func(c *Config) {
				c.Budget, c.Workers = Budget{Steps: 100, USD: tt.cap}, tt.workers
			})
			sum, err := e.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if sum.Reason != StopUSD || sum.Done == 0 {
				t.Fatalf("summary = %+v", sum)
			}
			if sum.Usage.CostUSD > tt.cap+1e-12 {
				t.Fatalf("spent %v over the cap %v", sum.Usage.CostUSD, tt.cap)
			}
			usage, _ := st.Usage(context.Background())
			counts, _ := st.Steps(context.Background())
			if usage.CostUSD > tt.cap+1e-12 || counts.Running != 0 {
				t.Fatalf("stored spend %v, running steps %d", usage.CostUSD, counts.Running)
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
