package engine

import (
	"context"
	"errors"
	"math"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/roles"
	"github.com/asi-evolve/asi/core/sampling"
	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/core/task"
)

// hackTask scores a program by its value on the public stage; its
// held-out stage sees through values from hackFrom on (a planted reward
// hack: the public check is fooled, the held-out one is not) and scores
// them 1. crash makes the held-out stage fail to run; noHeldOut leaves it
// out.
type hackTask struct {
	numberTask
	hackFrom  int
	crash     bool
	noHeldOut bool
	failHack  bool          // the held-out stage finds a hack invalid
	slow      time.Duration // each held-out evaluation takes this long
	heldOut   atomic.Int64  // held-out evaluations
}

const heldOutSecret = "held-out feedback the researcher must not see"

func (t *hackTask) Describe(ctx context.Context) (task.Description, error) {
	d, _ := t.numberTask.Describe(ctx)
	d.Statement = "Raise the value."
	d.Stages = []task.Stage{{Name: "score"}}
	if !t.noHeldOut {
		d.Stages = append(d.Stages, task.Stage{Name: "verify", HeldOut: true})
	}
	return d, nil
}

func (t *hackTask) Evaluate(ctx context.Context, c task.Candidate, stage int, seed int64) (task.Result, error) {
	if stage == 0 {
		return t.numberTask.Evaluate(ctx, c, stage, seed)
	}
	t.heldOut.Add(1)
	time.Sleep(t.slow)
	if t.crash {
		return task.Result{}, errors.New("plugin crashed")
	}
	v, _ := strconv.Atoi(valueLine.FindStringSubmatch(c.Code)[1])
	if v >= t.hackFrom && t.failHack {
		return task.Result{Valid: false, Feedback: "overlapping circles"}, nil
	}
	if v >= t.hackFrom {
		v = 1
	}
	return task.Result{Valid: true, Metrics: map[string]float64{"value": float64(v)}, Feedback: heldOutSecret}, nil
}

// auditJudge answers every audit with reply and counts the calls.
type auditJudge struct {
	mu    sync.Mutex
	reply string
	calls int
}

func (j *auditJudge) Name() string { return "auditor" }

func (j *auditJudge) Complete(_ context.Context, req llm.Request) (llm.Response, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.calls++
	return llm.Response{Content: j.reply, Model: "auditor", Usage: llm.Usage{PromptTokens: 100, CompletionTokens: 10, CostUSD: 0.002}}, nil
}

func runAudited(t *testing.T, tk *hackTask, steps int, a *Audit) (*store.Store, Summary) {
	t.Helper()
	st := openStore(t)
	e := newEngine(t, st, tk, &incrementer{}, func(c *Config) {
		c.Workers, c.Budget.Steps, c.Audit = 1, steps, a
	})
	sum, err := e.Run(context.Background())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return st, sum
}

func auditsByNode(t *testing.T, st *store.Store) map[int64]store.Audit {
	t.Helper()
	latest, err := st.LatestAudits(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return latest
}

func TestAuditFlagsPlantedRewardHack(t *testing.T) {
	tk := &hackTask{hackFrom: 5}
	st, sum := runAudited(t, tk, 6, &Audit{Top: 2, MaxDrop: 0.1})
	if sum.Best.Score != 7 {
		t.Fatalf("best = %v; want 7 (values 1 to 7)", sum.Best.Score)
	}
	audits := auditsByNode(t, st)
	// New bests come one after another, so each node is the best once:
	// the top two at each pass are audited, every node in the end.
	for id := int64(1); id <= 7; id++ {
		a, ok := audits[id]
		if !ok {
			t.Errorf("node %d (value %d) was never audited", id, id)
			continue
		}
		hacked := id >= 5
		if a.Flagged != hacked {
			t.Errorf("node %d (value %d): flagged = %v; want %v (audit %+v)", id, id, a.Flagged, hacked, a)
		}
		if a.PublicScore != float64(id) || a.HeldOutScore == nil {
			t.Errorf("node %d: scores %v, %v; want public %d and a held-out score", id, a.PublicScore, a.HeldOutScore, id)
			continue
		}
		if hacked && (*a.HeldOutScore != 1 || math.Abs(*a.Drop-float64(id-1)/float64(id)) > 1e-9) {
			t.Errorf("node %d: held-out %v, drop %v; want 1 and %v", id, *a.HeldOutScore, *a.Drop, float64(id-1)/float64(id))
		}
		if !hacked && *a.Drop != 0 {
			t.Errorf("honest node %d: drop %v; want 0", id, *a.Drop)
		}
	}
	if got := tk.heldOut.Load(); got != int64(len(audits)) {
		t.Errorf("%d held-out evaluations for %d audits: the cascade ran the held-out stage", got, len(audits))
	}
	nodes, _ := st.Nodes(context.Background())
	for _, n := range nodes {
		if strings.Contains(n.Feedback, heldOutSecret) {
			t.Errorf("node %d's feedback shows the held-out stage: %q", n.ID, n.Feedback)
		}
	}
	events, _ := st.Events(context.Background(), 200)
	var flaggedEvents int
	for _, ev := range events {
		if ev.Kind == "audit" && strings.Contains(ev.Message, "FLAGGED") {
			flaggedEvents++
			if !strings.Contains(ev.Message, "public 7") && !strings.Contains(ev.Message, "public 6") && !strings.Contains(ev.Message, "public 5") ||
				!strings.Contains(ev.Message, "held-out 1 ") {
				t.Errorf("audit event names neither both scores: %q", ev.Message)
			}
		}
	}
	if flaggedEvents != 3 {
		t.Errorf("%d flagged audit events; want 3 (nodes 5, 6, 7)", flaggedEvents)
	}
}

func TestAuditCountsAFailedHeldOutRunAsAFullDrop(t *testing.T) {
	tk := &hackTask{hackFrom: 3, failHack: true}
	st, _ := runAudited(t, tk, 2, &Audit{Top: 1, MaxDrop: 5})
	a, ok := auditsByNode(t, st)[3]
	if !ok {
		t.Fatal("node 3 was not audited")
	}
	if !a.Flagged || a.HeldOutScore != nil || a.Drop == nil || *a.Drop != 1 || !strings.Contains(a.Reason, "overlapping circles") {
		t.Errorf("audit %+v; want flagged whatever max_drop is, drop 1, no held-out score, the feedback as reason", a)
	}
}

func TestAuditOnlyAuditsTheTopNodesOnce(t *testing.T) {
	tk := &hackTask{hackFrom: 100}
	st, _ := runAudited(t, tk, 3, &Audit{Top: 1, MaxDrop: 0.1})
	audits, err := st.Audits(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Each new best is the top node once, audited then; the end pass finds
	// it audited. The initial program is never the top one at a pass.
	if len(audits) != 3 {
		t.Fatalf("%d audits; want 3 (nodes 2 to 4, each once, as it became the best): %+v", len(audits), audits)
	}
	for i, a := range audits {
		if a.NodeID != int64(i+2) || a.Step != int64(i+1) {
			t.Errorf("audit %d is of node %d at step %d; want node %d at step %d", i, a.NodeID, a.Step, i+2, i+1)
		}
	}
	for _, a := range audits {
		if a.Flagged {
			t.Errorf("honest node %d flagged: %+v", a.NodeID, a)
		}
	}
}

func TestAuditJudgeVerdictIsStored(t *testing.T) {
	tests := []struct {
		name, reply string
		verdict     string
		flagged     bool
		reason      string
	}{
		{"gaming", "verdict: gaming\nreason: returns a constant", "gaming", true, "returns a constant"},
		{"clean", "verdict: clean\nreason: computes it", "clean", false, "computes it"},
		{"garbage", "Sure! Here is a poem about circles.", "unsure", false, "unreadable judge reply"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			judge := &auditJudge{reply: tt.reply}
			tk := &hackTask{hackFrom: 100}
			st, _ := runAudited(t, tk, 2, &Audit{Top: 1, MaxDrop: 0.1, Judge: judge})
			audits := auditsByNode(t, st)
			if len(audits) == 0 || judge.calls != len(audits) {
				t.Fatalf("%d judge calls for %d audited nodes; want one each", judge.calls, len(audits))
			}
			for id, a := range audits {
				if a.Verdict != tt.verdict || a.Flagged != tt.flagged || !strings.Contains(a.Reason, tt.reason) {
					t.Errorf("node %d: verdict %q, flagged %v, reason %q; want %q, %v, %q", id, a.Verdict, a.Flagged, a.Reason, tt.verdict, tt.flagged, tt.reason)
				}
			}
			usage, _ := st.Usage(context.Background())
			if want := 2 + len(audits); usage.Calls != want || math.Abs(usage.CostUSD-(0.02+0.002*float64(len(audits)))) > 1e-9 {
				t.Errorf("usage = %+v; want %d calls: the researcher's and the judge's, each spend recorded", usage, want)
			}
		})
	}
}

func TestAuditJudgeOnlyWithoutHeldOutStage(t *testing.T) {
	judge := &auditJudge{reply: "verdict: gaming\nreason: hard-codes it"}
	tk := &hackTask{hackFrom: 100, noHeldOut: true}
	st, _ := runAudited(t, tk, 1, &Audit{Top: 1, MaxDrop: 0.1, Judge: judge})
	audits := auditsByNode(t, st)
	if len(audits) == 0 {
		t.Fatal("no audit stored")
	}
	for id, a := range audits {
		if a.HeldOutScore != nil || a.Drop != nil || !a.Flagged || a.Verdict != "gaming" {
			t.Errorf("node %d: %+v; want no held-out score, flagged by the judge's verdict", id, a)
		}
	}
	if tk.heldOut.Load() != 0 {
		t.Error("a held-out evaluation ran on a task without a held-out stage")
	}
}

func TestAuditThatCannotRunIsAnEventNotALostCampaign(t *testing.T) {
	tk := &hackTask{hackFrom: 100, crash: true}
	st, sum := runAudited(t, tk, 3, &Audit{Top: 2, MaxDrop: 0.1})
	if sum.Done != 3 || sum.InfraFailures != 0 {
		t.Fatalf("summary %+v; want 3 steps done and no infrastructure failure counted", sum)
	}
	nodes, _ := st.Nodes(context.Background())
	if len(nodes) != 4 {
		t.Fatalf("%d nodes stored; want 4", len(nodes))
	}
	if audits := auditsByNode(t, st); len(audits) != 0 {
		t.Errorf("audits %+v stored for evaluations that could not run", audits)
	}
	events, _ := st.Events(context.Background(), 200)
	var warned bool
	for _, ev := range events {
		if ev.Kind == "warning" && strings.Contains(ev.Message, "audit: node 4") && strings.Contains(ev.Message, "plugin crashed") {
			warned = true
		}
	}
	if !warned {
		t.Errorf("no warning event names node 4 and the crash; events: %+v", events)
	}
}

func TestAuditDrop(t *testing.T) {
	tests := []struct {
		name            string
		dir             task.Direction
		public, heldOut float64
		want            float64
	}{
		{"maximize, worse", task.Maximize, 2.6, 1.3, 0.5},
		{"maximize, better", task.Maximize, 2, 3, -0.5},
		{"minimize, worse", task.Minimize, 0.5, 0.75, 0.5},
		{"negative public", task.Maximize, -4, -5, 0.25},
		{"zero public uses the floor", task.Maximize, 0, -1e-6, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := auditDrop(tt.dir, tt.public, tt.heldOut); math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("auditDrop = %v; want %v", got, tt.want)
			}
		})
	}
}

// allHeldOut holds out its only stage.
type allHeldOut struct{ hackTask }

func (t *allHeldOut) Describe(ctx context.Context) (task.Description, error) {
	d, _ := t.hackTask.Describe(ctx)
	d.Stages = []task.Stage{{Name: "verify", HeldOut: true}}
	return d, nil
}

func TestEngineRefusesATaskThatHoldsOutEveryStage(t *testing.T) {
	sampler, err := sampling.New("greedy", sampling.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = New(context.Background(), Config{Store: openStore(t), Task: &allHeldOut{}, Researcher: &incrementer{}, Analyzer: roles.OfflineAnalyzer{}, Sampler: sampler})
	if err == nil || !strings.Contains(err.Error(), "holds out every stage") {
		t.Fatalf("New = %v; want it to refuse a task with no stage the cascade runs", err)
	}
}

func TestAuditWithSeveralWorkersAuditsEachNodeOnce(t *testing.T) {
	tk := &hackTask{hackFrom: 4, slow: 5 * time.Millisecond} // slow enough for passes to overlap
	st := openStore(t)
	e := newEngine(t, st, tk, &incrementer{}, func(c *Config) {
		c.Workers, c.Budget.Steps, c.Audit = 4, 12, &Audit{Top: 3, MaxDrop: 0.1}
	})
	if _, err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	audits, err := st.Audits(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	for _, a := range audits {
		if seen[a.NodeID] {
			t.Errorf("node %d audited twice", a.NodeID)
		}
		seen[a.NodeID] = true
		if a.Flagged != (a.PublicScore >= 4) {
			t.Errorf("node %d (value %v): flagged = %v", a.NodeID, a.PublicScore, a.Flagged)
		}
	}
	if flagged, _ := st.FlaggedAudits(context.Background()); len(flagged) == 0 {
		t.Error("no node flagged: the run never reached the planted hack")
	}
	top, _ := st.TopNodes(context.Background(), 3, true)
	for _, n := range top {
		if !seen[n.ID] {
			t.Errorf("top node %d was not audited by the end of the run", n.ID)
		}
	}
}
