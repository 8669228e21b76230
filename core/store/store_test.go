package store

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func openTest(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestOpenAppliesMigrationsOnce(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.SchemaVersion(ctx)
	files, _ := fs.Glob(migrations, "migrations/*.sql")
	if err != nil || v != len(files) {
		t.Fatalf("schema version = %d, %v; want %d, one per migration", v, err, len(files))
	}
	if err := s.SetMeta(ctx, "task", "circlepacking"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(ctx, dir)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	got, err := s.Meta(ctx, "task")
	if err != nil || got != "circlepacking" {
		t.Fatalf("meta after reopen = %q, %v", got, err)
	}
	if _, err := s.Meta(ctx, "missing"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing meta: err = %v, want ErrNotFound", err)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`INSERT INTO schema_migrations VALUES (999, '999_future.sql', 'x')`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(ctx, dir); !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("err = %v, want ErrNewerSchema", err)
	}
}

func TestClaimStepResumesAbandonedSteps(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	var claimed []int64
	for range 3 {
		step, resumed, ok, err := s.ClaimStep(ctx, 0)
		if err != nil || !ok || resumed {
			t.Fatalf("claim: step %d resumed %v ok %v err %v", step, resumed, ok, err)
		}
		claimed = append(claimed, step)
	}
	if diff := cmp.Diff([]int64{0, 1, 2}, claimed); diff != "" {
		t.Fatalf("steps (-want +got):\n%s", diff)
	}
	// Step 1 finishes; 0 and 2 die with the process.
	if _, err := s.Commit(ctx, &Node{Step: 1, Status: StatusOK}, nil, nil); err != nil {
		t.Fatal(err)
	}
	n, err := s.ReleaseAbandoned(ctx)
	if err != nil || n != 2 {
		t.Fatalf("released %d, %v; want 2", n, err)
	}
	var got []int64
	for range 3 {
		step, resumed, ok, err := s.ClaimStep(ctx, 4)
		if err != nil || !ok {
			t.Fatalf("claim after resume: ok %v err %v", ok, err)
		}
		if resumed != (step != 3) {
			t.Fatalf("step %d resumed = %v", step, resumed)
		}
		got = append(got, step)
	}
	if diff := cmp.Diff([]int64{0, 2, 3}, got); diff != "" {
		t.Fatalf("resumed steps (-want +got):\n%s", diff)
	}
	if _, _, ok, _ := s.ClaimStep(ctx, 4); ok {
		t.Fatal("claim beyond the limit succeeded")
	}
	counts, err := s.Steps(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(StepCounts{Done: 1, Running: 3}, counts); diff != "" {
		t.Fatalf("counts (-want +got):\n%s", diff)
	}
}

func TestCommitStoresNodeOnce(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	big := bytes.Repeat([]byte("x"), InlineArtifactLimit+1)
	want := Node{
		Step: 5, Parents: []int64{1, 2}, Name: "n", Motivation: "m", Code: "code",
		Metrics: map[string]float64{"sum_radii": 2.5}, Score: 2.5, Valid: true, Status: StatusOK,
		Feedback: "fine", Analysis: "good", Island: 2, Features: []float64{0.1, 0.2},
		Cognition: []string{"item-b", "item-a"},
	}
	if err := s.RecordCall(ctx, Call{Step: 5, Role: "researcher", Provider: "offline", Model: "m", PromptTokens: 10, CompletionTokens: 5, CostUSD: 0.5}); err != nil {
		t.Fatal(err)
	}
	node := want
	id, err := s.Commit(ctx, &node, map[string][]byte{"small": []byte("hi"), "big": big}, []Event{{Kind: "node", Message: "stored"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Commit(ctx, &Node{Step: 5}, nil, nil); !errors.Is(err, ErrStepDone) {
		t.Fatalf("second commit of step 5: err = %v, want ErrStepDone", err)
	}
	got, err := s.Node(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	want.ID = id
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(Node{}, "CreatedAt")); diff != "" {
		t.Fatalf("node (-want +got):\n%s", diff)
	}
	for name, content := range map[string][]byte{"small": []byte("hi"), "big": big} {
		b, err := s.Artifact(ctx, id, name)
		if err != nil || !bytes.Equal(b, content) {
			t.Fatalf("artifact %s: %d bytes, %v", name, len(b), err)
		}
	}
	files, _ := filepath.Glob(filepath.Join(s.Dir(), "artifacts", "*"))
	if len(files) != 1 {
		t.Fatalf("artifact files = %v, want only the big one", files)
	}
	calls, err := s.Calls(ctx, id)
	if err != nil || len(calls) != 1 || calls[0].NodeID != id {
		t.Fatalf("calls linked to node = %+v, %v", calls, err)
	}
}

func TestCommitRejectsNonFiniteMetrics(t *testing.T) {
	s := openTest(t)
	_, err := s.Commit(context.Background(), &Node{Step: 1, Metrics: map[string]float64{"x": math.NaN()}}, nil, nil)
	if err == nil {
		t.Fatal("NaN metric stored")
	}
	if counts, _ := s.Steps(context.Background()); counts.Done != 0 {
		t.Fatalf("step marked done after a failed commit: %+v", counts)
	}
}

func TestBestAndUsage(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	for i, n := range []Node{
		{Score: 1, Valid: true},
		{Score: 3, Valid: true},
		{Score: 9, Valid: false},
		{Score: 2, Valid: true},
	} {
		n.Step = int64(i)
		if _, err := s.Commit(ctx, &n, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name     string
		maximize bool
		want     float64
	}{
		{"maximize", true, 3},
		{"minimize", false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			best, err := s.Best(ctx, tt.maximize)
			if err != nil || best.Score != tt.want {
				t.Fatalf("best = %v, %v; want %v", best.Score, err, tt.want)
			}
		})
	}
	// A call of a step that never produced a node still costs money; an
	// exchange no model answered is counted apart, whatever it carries.
	for _, c := range []Call{
		{Step: 1, PromptTokens: 100, CompletionTokens: 20, CostUSD: 0.25},
		{Step: 42, PromptTokens: 1, CompletionTokens: 2, CostUSD: 0.5},
		{Step: 2, Provider: OfflineProvider, PromptTokens: 1000, CompletionTokens: 300},
	} {
		if err := s.RecordCall(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	u, err := s.Usage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Usage{Calls: 2, PromptTokens: 101, CompletionTokens: 22, CostUSD: 0.75, Offline: 1}, u); diff != "" {
		t.Fatalf("usage (-want +got):\n%s", diff)
	}
}

func TestInfoRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	want := Info{Campaign: "c", Task: "t", Primary: "ratio", Direction: "maximize", StepBudget: 5,
		Features: []string{"a", "b"}, Offline: []string{"researcher", "analyzer"}}
	if err := s.SetInfo(ctx, want); err != nil {
		t.Fatal(err)
	}
	got, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("info (-want +got):\n%s", diff)
	}
}

func TestBestEmpty(t *testing.T) {
	s := openTest(t)
	if _, err := s.Best(context.Background(), true); !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
}

func TestOpenUnwritableDirectory(t *testing.T) {
	if os.Geteuid() == 0 {
		// root ignores permissions; use a path under a regular file instead.
		f := filepath.Join(t.TempDir(), "file")
		os.WriteFile(f, nil, 0o644)
		if _, err := Open(context.Background(), filepath.Join(f, "campaign")); err == nil {
			t.Fatal("opened a store under a regular file")
		}
		return
	}
	dir := t.TempDir()
	os.Chmod(dir, 0o500)
	if _, err := Open(context.Background(), filepath.Join(dir, "campaign")); err == nil {
		t.Fatal("opened a store in a read-only directory")
	}
}
