package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// A process killed mid-step leaves a step with an LLM call (a running
// row) and a step that stored nothing (no row at all); the next process
// hands both out again before any new step.
func TestClaimsSurviveACrash(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	for want := range int64(4) {
		if step, _, ok, err := s.ClaimStep(ctx, 0); err != nil || !ok || step != want {
			t.Fatalf("claim = %d %v %v, want %d", step, ok, err, want)
		}
	}
	if err := s.RecordCall(ctx, Call{Step: 1, Role: "researcher", Provider: "p", Model: "m", CostUSD: 0.5}); err != nil {
		t.Fatal(err)
	}
	for _, step := range []int64{0, 3} {
		if _, err := s.Commit(ctx, &Node{Step: step, Status: StatusOK}, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	s.Close() // the process dies: steps 1 and 2 are cut short

	s, err = Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	n, err := s.ReleaseAbandoned(ctx)
	if err != nil || n != 2 {
		t.Fatalf("released %d, %v; want 2", n, err)
	}
	var got []int64
	for range 3 {
		step, resumed, ok, err := s.ClaimStep(ctx, 0)
		if err != nil || !ok || resumed != (step < 3) {
			t.Fatalf("claim: step %d resumed %v ok %v err %v", step, resumed, ok, err)
		}
		got = append(got, step)
	}
	if diff := cmp.Diff([]int64{1, 2, 4}, got); diff != "" {
		t.Fatalf("steps claimed after the crash (-want +got):\n%s", diff)
	}
	u, err := s.Usage(ctx)
	if err != nil || u.CostUSD != 0.5 {
		t.Fatalf("usage %+v, %v: the cut step's spend is lost", u, err)
	}
}

// A step released by a failed run is handed out again first, also when
// it stored nothing, and again after a crash that follows the release.
func TestReleasedStepIsClaimedAgain(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, _, _, err := s.ClaimStep(ctx, 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.ReleaseStep(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if step, resumed, ok, err := s.ClaimStep(ctx, 0); err != nil || !ok || !resumed || step != 1 {
		t.Fatalf("claim after release = %d resumed %v ok %v err %v, want 1 resumed", step, resumed, ok, err)
	}
	if err := s.ReleaseStep(ctx, 1); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = Open(ctx, dir); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Step 1's row says abandoned; step 0, below it, stored nothing.
	if n, err := s.ReleaseAbandoned(ctx); err != nil || n != 2 {
		t.Fatalf("released %d, %v; want 2 (steps 0 and 1)", n, err)
	}
	for want := range int64(2) {
		if step, resumed, _, err := s.ClaimStep(ctx, 0); err != nil || !resumed || step != want {
			t.Fatalf("claim = %d resumed %v err %v, want step %d resumed", step, resumed, err, want)
		}
	}
	if step, resumed, _, err := s.ClaimStep(ctx, 0); err != nil || resumed || step != 2 {
		t.Fatalf("claim = %d resumed %v err %v, want step 2 new", step, resumed, err)
	}
}

// A node served from memory is the node a read from the database gives,
// whatever its fields, and changing a node read does not change the next.
func TestCachedNodeIsTheStoredNode(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	nodes := []*Node{
		{Step: 0, Name: "bare", Status: StatusOK},
		{Step: 1, Parents: []int64{1}, Name: "full", Motivation: "m", Code: "c", Metrics: map[string]float64{"a": 1.25, "b": -3},
			Score: 1.25, Valid: true, Status: StatusOK, Feedback: "f", Analysis: "a", Island: 3, Features: []float64{0.5},
			EvalTime: 1234567 * time.Microsecond, Cognition: []string{"x", "y"}},
		{Step: 2, Parents: []int64{2, 1}, Name: "failed", Score: 9, Valid: false, Status: StatusFailed, Error: "boom",
			Cognition: []string{}, Features: nil, Metrics: nil},
	}
	for _, n := range nodes {
		if _, err := s.Commit(ctx, n, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	fresh, err := Open(ctx, dir) // an empty cache: every read is from the database
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	for _, n := range nodes {
		cached, err := s.Node(ctx, n.ID)
		if err != nil {
			t.Fatal(err)
		}
		read, err := fresh.Node(ctx, n.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(read, cached); diff != "" {
			t.Errorf("node %d from memory differs from the database (-read +cached):\n%s", n.ID, diff)
		}
		cached.Metrics["a"] = 99
		if len(cached.Parents) > 0 {
			cached.Parents[0] = 99
		}
		again, _ := s.Node(ctx, n.ID)
		if diff := cmp.Diff(read, again); diff != "" {
			t.Errorf("changing a read node changed the cache (-want +got):\n%s", diff)
		}
	}
}

// A node's calls are its step's, an earlier attempt's included; calls of
// a step without a node belong to no node yet.
func TestCallsOfANodeAreItsSteps(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	for _, c := range []Call{{Step: 4, Role: "researcher", Reply: "first try"}, {Step: 4, Role: "researcher", Reply: "second"},
		{Step: 4, Role: "analyzer"}, {Step: 5, Role: "researcher"}} {
		if err := s.RecordCall(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if calls, err := s.Calls(ctx, NodeID(4)); err != nil || len(calls) != 0 {
		t.Fatalf("calls of a node not stored yet = %d, %v; want none", len(calls), err)
	}
	if _, err := s.Commit(ctx, &Node{Step: 4, Status: StatusOK}, nil, nil); err != nil {
		t.Fatal(err)
	}
	calls, err := s.Calls(ctx, NodeID(4))
	if err != nil {
		t.Fatal(err)
	}
	var replies []string
	for _, c := range calls {
		if c.NodeID != NodeID(4) || c.Step != 4 {
			t.Errorf("call %+v: want step 4, node %d", c, NodeID(4))
		}
		replies = append(replies, c.Role+":"+c.Reply)
	}
	if diff := cmp.Diff([]string{"researcher:first try", "researcher:second", "analyzer:"}, replies); diff != "" {
		t.Fatalf("calls of node %d (-want +got):\n%s", NodeID(4), diff)
	}
}

// The offline operator's exchanges of a step are written with its node
// (one transaction for the step), or when the step is released; a
// model's call is written at once.
func TestOfflineExchangesAreStoredWithTheNode(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	for range 2 {
		if _, _, _, err := s.ClaimStep(ctx, 0); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []Call{{Step: 0, Role: "researcher", Provider: OfflineProvider, Reply: "edit"},
		{Step: 0, Role: "analyzer", Provider: "model", CostUSD: 0.25}, {Step: 1, Role: "researcher", Provider: OfflineProvider, Reply: "tried"}} {
		if err := s.RecordCall(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	u, err := s.Usage(ctx)
	if err != nil || u.Offline != 0 || u.CostUSD != 0.25 {
		t.Fatalf("usage before the node = %+v, %v: want the model's call only", u, err)
	}
	if _, err := s.Commit(ctx, &Node{Step: 0, Status: StatusOK}, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.ReleaseStep(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if u, err = s.Usage(ctx); err != nil || u.Offline != 2 {
		t.Fatalf("usage after = %+v, %v: want both offline exchanges", u, err)
	}
	calls, err := s.Calls(ctx, NodeID(0))
	if err != nil {
		t.Fatal(err)
	}
	var roles []string
	for _, c := range calls {
		roles = append(roles, c.Role)
	}
	if diff := cmp.Diff([]string{"researcher", "analyzer"}, roles); diff != "" {
		t.Fatalf("calls of node 1 in the order made (-want +got):\n%s", diff)
	}
}

// A node stored by this process answers which artifacts it lacks from
// memory, with the answer the database gives.
func TestArtifactsOfANodeStoredHere(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	n := &Node{Step: 0, Status: StatusOK}
	if _, err := s.Commit(ctx, n, map[string][]byte{"out": []byte("x"), "empty": nil}, nil); err != nil {
		t.Fatal(err)
	}
	fresh, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	for _, st := range []*Store{s, fresh} {
		if got, err := st.Artifact(ctx, n.ID, "out"); err != nil || string(got) != "x" {
			t.Errorf("out = %q, %v", got, err)
		}
		if got, err := st.Artifact(ctx, n.ID, "empty"); err != nil || len(got) != 0 {
			t.Errorf("empty = %q, %v", got, err)
		}
		if _, err := st.Artifact(ctx, n.ID, "stderr"); !errors.Is(err, ErrNotFound) {
			t.Errorf("stderr: %v, want ErrNotFound", err)
		}
	}
}
