package views

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/asi-evolve/asi/core/report"
	"github.com/asi-evolve/asi/core/store"
)

func TestReportListsFlaggedNodes(t *testing.T) {
	held, drop, none, full := 1.0, 0.9, 0.0, 1.0
	c := &report.Campaign{Name: "c", Primary: "value", Direction: "maximize",
		Nodes: []store.Node{
			{ID: 1, Step: 0, Name: "initial", Valid: true, Score: 1},
			{ID: 2, Step: 1, Name: "hack", Valid: true, Score: 10},
			{ID: 3, Step: 2, Name: "broken", Valid: true, Score: 11},
		},
		Audits: []store.Audit{
			{NodeID: 1, PublicScore: 1, HeldOutScore: &held, Drop: &none},
			{NodeID: 2, PublicScore: 10, HeldOutScore: &held, Drop: &drop, Flagged: true, Verdict: "gaming", Reason: "dropped by 90.0%"},
			{NodeID: 3, PublicScore: 11, Drop: &full, Flagged: true, Reason: "held-out stage \"verify\" failed: overlap"},
		},
	}
	r := ReportOf(c, 3)
	var text bytes.Buffer
	if err := (View{W: &text}).Report(r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"audit:      3 node(s) re-scored on the held-out stage, 2 flagged",
		"flagged:    node 2 (hack): value public 10, held-out 1 (drop 90%), judge: gaming",
		"flagged:    node 3 (broken): value public 11, held-out run failed",
		`held-out stage "verify" failed: overlap`,
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("status lacks %q:\n%s", want, text.String())
		}
	}
	var js bytes.Buffer
	if err := (View{W: &js, JSON: true}).Report(r); err != nil {
		t.Fatal(err)
	}
	var back struct {
		Audit AuditReport `json:"audit"`
	}
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Audit.Audited != 3 || len(back.Audit.Flagged) != 2 || back.Audit.Flagged[1].HeldOutScore != nil || *back.Audit.Flagged[1].Drop != 1 {
		t.Errorf("status -json audit = %+v", back.Audit)
	}
	var warn bytes.Buffer
	View{W: &warn}.FlaggedBest(c, c.Nodes[1])
	if !strings.Contains(warn.String(), "node 2 is flagged by the audit") {
		t.Errorf("no warning for a flagged best node: %q", warn.String())
	}
	warn.Reset()
	View{W: &warn}.FlaggedBest(c, c.Nodes[0])
	if warn.Len() != 0 {
		t.Errorf("a warning for a node that passed: %q", warn.String())
	}
}
