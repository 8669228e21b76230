package main

import (
	"context"
	"testing"

	"github.com/asi-evolve/asi/core/store"
)

// checkFindingStored checks that the red team of audit-attacks.hcl found
// the hole planted in its evaluator and stored it, with its pass.
func checkFindingStored(t *testing.T, state string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, state)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	findings, err := st.Findings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	passes, err := st.EventsOfKind(ctx, store.EventRedteam)
	if err != nil {
		t.Fatal(err)
	}
	if len(findings) == 0 || len(passes) == 0 {
		t.Fatalf("%d finding(s) in %d pass(es); want the planted hole found (the evaluator checks neither the count nor overlaps)", len(findings), len(passes))
	}
	for _, f := range findings {
		if f.Source != store.FindingSourceAudit || f.Score <= 1.6926 || f.Bound != 1.6926 {
			t.Errorf("finding %s: source %q, score %v, bound %v; want the audit's, past the declared known best 1.6926", f.Attack, f.Source, f.Score, f.Bound)
		}
	}
}
