package command

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/asi-evolve/asi/core/report"
	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/core/views"
)

// TestCampaignReportFromSummaries checks that the report apply prints,
// read from node summaries and the nodes it names, is the report read
// from every node in full: names, long errors, the front and the audit
// included.
func TestCampaignReportFromSummaries(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.SetInfo(ctx, store.Info{Campaign: "c", Task: "t", Primary: "score", Direction: "maximize"}); err != nil {
		t.Fatal(err)
	}
	if err := st.SetObjectives(ctx, []store.Objective{{Metric: "score", Direction: "maximize", Weight: 1}, {Metric: "size", Direction: "minimize", Weight: 1}}); err != nil {
		t.Fatal(err)
	}
	longError := "compile: " + strings.Repeat("undefined: x; ", 60) // longer than a summary keeps
	for step := range int64(30) {
		n := &store.Node{Step: step, Name: fmt.Sprintf("node-%d", step), Code: "code", Motivation: "why", Analysis: "what",
			Metrics: map[string]float64{"score": float64(step % 7), "size": float64(step % 5), store.MetricRepairs: float64(step % 2)},
			Valid:   step%4 != 3, Status: store.StatusOK}
		if !n.Valid {
			n.Status, n.Error = store.StatusFailed, longError
		}
		if step == 0 {
			n.Valid, n.Status, n.Error = false, store.StatusFailed, longError // the initial program failed
		}
		n.Score = n.Metrics["score"]
		if _, err := st.Commit(ctx, n, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	drop := 0.5
	// Node 7 is step 6's.
	if err := st.AddAudit(ctx, store.Audit{NodeID: 7, Step: 29, PublicScore: 6, Drop: &drop, Flagged: true}); err != nil {
		t.Fatal(err)
	}

	c, err := report.Load(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	want := views.ReportOf(c, 5)
	got, err := campaignReport(ctx, st, 5)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("report from summaries (-full +summaries):\n%s", diff)
	}
	if got.Initial == nil || got.Initial.Error != longError || got.Best == nil || got.Best.Name == "" ||
		got.Front == nil || len(got.Front.Members) == 0 || got.Audit == nil || len(got.Audit.Flagged) != 1 || got.Audit.Flagged[0].Name != "node-6" {
		t.Fatalf("the report lacks what the test means to compare: %+v", got)
	}
}
