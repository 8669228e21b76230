package engine

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/roles"
	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/core/task"
	"github.com/asi-evolve/asi/internal/sqlitedb"
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

// heldTask evaluates as numberTask does; the first evaluation of a step
// after the initial program first calls during.
type heldTask struct {
	numberTask
	during func(context.Context)
	once   sync.Once
}

func (t *heldTask) Evaluate(ctx context.Context, c task.Candidate, stage int, seed int64) (task.Result, error) {
	if c.NodeID != store.NodeID(0) {
		t.once.Do(func() { t.during(ctx) })
	}
	return t.numberTask.Evaluate(ctx, c, stage, seed)
}

// TestCallIsWrittenWhileItsStepEvaluates checks that a step's evaluation
// does not wait for its model call's record, and that the call is stored
// all the same, before the step's node. Another connection holds the
// database's write lock from the researcher's reply until the step's
// evaluation runs: the evaluation must start with the call unwritten
// (a step that waited for the record would wait out the store's busy
// timeout and lose the call).
func TestCallIsWrittenWhileItsStepEvaluates(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	other, err := sql.Open(sqlitedb.DriverName, filepath.Join(st.Dir(), store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	lock, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	var locked, pendingDuringEvaluation bool
	researcher := watchedModel{&incrementer{}, func(context.Context, llm.Request) {
		if _, err := lock.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
			t.Errorf("take the write lock: %v", err)
			return
		}
		locked = true
	}}
	tk := &heldTask{during: func(context.Context) {
		if !locked {
			return
		}
		var calls int
		if err := other.QueryRowContext(ctx, `SELECT COUNT(*) FROM llm_calls WHERE role = 'researcher'`).Scan(&calls); err != nil {
			t.Errorf("count calls: %v", err)
		}
		pendingDuringEvaluation = calls == 0
		if _, err := lock.ExecContext(ctx, `ROLLBACK`); err != nil {
			t.Errorf("release the write lock: %v", err)
		}
	}}
	e := newEngine(t, st, tk, researcher, func(c *Config) { c.Workers, c.Budget.Steps = 1, 1 })
	sum, err := e.Run(ctx)
	if err != nil || sum.StepsThisRun != 1 {
		t.Fatalf("run: %v, %d steps (%s); want 1", err, sum.StepsThisRun, sum.Reason)
	}
	if !pendingDuringEvaluation {
		t.Fatal("the step's evaluation began after its call was written (or the lock was never taken)")
	}
	node := checkSteps(t, st, 1)[1]
	calls, err := st.Calls(ctx, node.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) == 0 || calls[0].Role != "researcher" || calls[0].Provider != "incrementer" {
		t.Fatalf("node %d's calls = %+v; want the researcher's call first", node.ID, calls)
	}
	if usage := e.budget.spent(); usage.Calls != 1 {
		t.Fatalf("usage counts %d calls, want 1 (the researcher's, once written)", usage.Calls)
	}
	if !calls[0].CreatedAt.Before(node.CreatedAt) {
		t.Fatalf("call at %v, node at %v: the call returned before the node was stored", calls[0].CreatedAt, node.CreatedAt)
	}
}

// TestStepRecordsWaitForEveryWriteInOrder checks the order and the waits
// of a step's background writes: each write begins after the one begun
// before it ended, wait returns only once all have ended, and after close
// no write begins in the background.
func TestStepRecordsWaitForEveryWriteInOrder(t *testing.T) {
	r := newStepRecords()
	var mu sync.Mutex
	var order []int
	release := make(chan struct{})
	for i := range 3 {
		after, done, ok := r.begin()
		if !ok {
			t.Fatal("begin refused before close")
		}
		go func() {
			defer close(done)
			<-after
			if i == 0 {
				<-release
			}
			mu.Lock()
			order = append(order, i)
			mu.Unlock()
		}()
	}
	waited := make(chan struct{})
	go func() { r.wait(); close(waited) }()
	select {
	case <-waited:
		t.Fatal("wait returned while the first write was held")
	default:
	}
	close(release)
	<-waited
	mu.Lock()
	got := order
	mu.Unlock()
	if len(got) != 3 || got[0] != 0 || got[1] != 1 || got[2] != 2 {
		t.Fatalf("writes ended in order %v, want [0 1 2]", got)
	}
	r.close()
	if _, _, ok := r.begin(); ok {
		t.Fatal("begin accepted a write after close")
	}
}
