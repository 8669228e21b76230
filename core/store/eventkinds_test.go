package store

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEventsOfKind(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, e := range []Event{{Step: 2, Kind: "stall", Message: "a"}, {Step: 3, Kind: "node", Message: "b"}, {Step: 5, Kind: "stall", Message: "c"}} {
		if err := s.AddEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.EventsOfKind(ctx, "stall")
	if err != nil {
		t.Fatal(err)
	}
	var steps []int64
	for _, e := range got {
		steps = append(steps, e.Step)
	}
	if diff := cmp.Diff([]int64{2, 5}, steps); diff != "" {
		t.Errorf("stall events by step (-want +got):\n%s", diff)
	}
}

// TestEmptyArtifactReadsBack stores an artifact of no bytes, as a
// candidate that writes nothing to stderr leaves, and reads it back.
func TestEmptyArtifactReadsBack(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, _, _, err := s.ClaimStep(ctx, 0); err != nil {
		t.Fatal(err)
	}
	n := &Node{Step: 0, Status: StatusOK, Valid: true}
	if _, err := s.Commit(ctx, n, map[string][]byte{"stderr": {}, "stdout": nil}, nil); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"stderr", "stdout"} {
		got, err := s.Artifact(ctx, NodeID(0), name)
		if err != nil || len(got) != 0 {
			t.Errorf("Artifact(%s) = %q, %v; want empty, nil", name, got, err)
		}
	}
}
