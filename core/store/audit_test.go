package store

import (
	"context"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestAuditsRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	for step := range int64(3) {
		if _, err := s.Commit(ctx, &Node{Step: step, Name: "n", Code: "x", Valid: true, Score: float64(step), Status: StatusOK}, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	heldOut, drop := 0.5, 0.75
	added := []Audit{
		{NodeID: 2, Step: 4, PublicScore: 2, HeldOutScore: &heldOut, Drop: &drop, Flagged: true, Verdict: VerdictGaming, Reason: "hard-codes the answer"},
		{NodeID: 3, Step: 4, PublicScore: 3, Flagged: true, Reason: "held-out evaluation failed: crashed"},
		{NodeID: 1, Step: 4, PublicScore: 1, HeldOutScore: &heldOut, Drop: new(float64), Verdict: VerdictClean},
		// A later audit of node 3 clears it: the newest one counts.
		{NodeID: 3, Step: 9, PublicScore: 3, HeldOutScore: &heldOut, Drop: new(float64)},
	}
	for _, a := range added {
		if err := s.AddAudit(ctx, a, Event{Kind: "audit", Message: "audited"}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Audits(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(added, got, cmpopts.IgnoreFields(Audit{}, "ID", "CreatedAt")); diff != "" {
		t.Errorf("audits (-added +read):\n%s", diff)
	}
	flagged, err := s.FlaggedAudits(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(flagged) != 1 || flagged[0].NodeID != 2 {
		t.Errorf("flagged = %+v; want node 2 only", flagged)
	}
	events, err := s.Events(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != len(added) || events[0].NodeID != 2 || events[0].Kind != "audit" || events[0].Step != 4 {
		t.Errorf("events = %+v; want one audit event per audit, with its node and step", events)
	}
}

func TestAddAuditRefusesNonFiniteScores(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	if _, err := s.Commit(ctx, &Node{Step: 0, Name: "n", Code: "x", Valid: true, Score: 1, Status: StatusOK}, nil, nil); err != nil {
		t.Fatal(err)
	}
	nan, inf := math.NaN(), math.Inf(1)
	for _, tc := range []struct {
		name string
		a    Audit
	}{
		{"public", Audit{NodeID: 1, PublicScore: nan}},
		{"held-out", Audit{NodeID: 1, PublicScore: 1, HeldOutScore: &nan}},
		{"drop", Audit{NodeID: 1, PublicScore: 1, Drop: &inf}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := s.AddAudit(ctx, tc.a, Event{Kind: "audit", Message: "x"}); err == nil {
				t.Error("AddAudit accepted a score that is not a finite number")
			}
		})
	}
	if got, err := s.Audits(ctx); err != nil || len(got) != 0 {
		t.Errorf("audits = %v, %v; want none stored", got, err)
	}
	if events, _ := s.Events(ctx, 10); len(events) != 0 {
		t.Errorf("events = %v; want none: a refused audit writes nothing", events)
	}
}
