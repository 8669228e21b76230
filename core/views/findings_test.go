package views

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/asi-evolve/asi/core/report"
	"github.com/asi-evolve/asi/core/store"
)

func attackedCampaign() *report.Campaign {
	bound := "the best honest score 3 by 50%"
	return &report.Campaign{Name: "c", Primary: "sum_radii", Direction: "maximize",
		Nodes: []store.Node{
			{ID: 1, Step: 0, Name: "initial", Valid: true, Score: 1},
			{ID: 2, Step: 1, Name: "rings", Valid: true, Score: 3},
		},
		Findings: []store.Finding{
			{NodeID: 2, Source: store.FindingSourceAudit, Attack: "scale-1.6", Kind: "optimiser", Score: 4.8, Bound: 4.5, BoundText: bound, Code: "print(1)"},
			{NodeID: 2, Source: store.FindingSourceAudit, Attack: "collapse", Kind: "library", Score: 9, Bound: 4.5, BoundText: bound, Code: "print(2)"},
			{NodeID: 2, Source: store.FindingSourceAudit, Attack: "times-10", Kind: "library", Score: 30, Bound: 4.5, BoundText: bound, Code: "print(3)"},
			{NodeID: store.InitialProgramNode, Source: store.FindingSourceCommand, Attack: "huge", Kind: "library", Score: 1e300, Bound: 2.6, BoundText: "the declared known best", Code: "print(4)"},
		},
		RedteamPasses: 2,
	}
}

func TestReportListsFindings(t *testing.T) {
	c := attackedCampaign()
	r := ReportOf(c, 3)
	var text bytes.Buffer
	if err := (View{W: &text}).Report(r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"red team:   2 pass(es), 4 FINDING(S)",
		"finding:    huge (library) against the initial program: sum_radii 1e+300 vs bound 2.6",
		"finding:    times-10 (library) against node 2 (rings): sum_radii 30 vs bound 4.5",
		"finding:    collapse (library) against node 2 (rings)",
		"... 1 more",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("status lacks %q:\n%s", want, text.String())
		}
	}
	if strings.Contains(text.String(), "scale-1.6") {
		t.Errorf("status text lists more than the %d worst findings:\n%s", statusFindings, text.String())
	}
	var js bytes.Buffer
	if err := (View{W: &js, JSON: true}).Report(r); err != nil {
		t.Fatal(err)
	}
	var back struct {
		Findings []StoredFinding `json:"findings"`
		Passes   int             `json:"redteam_passes"`
	}
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Findings) != 4 || back.Passes != 2 || back.Findings[0].Attack != "huge" || back.Findings[3].Attack != "scale-1.6" ||
		back.Findings[1].NodeName != "rings" || back.Findings[1].Code != "print(3)" || back.Findings[1].BoundText == "" {
		t.Errorf("status -json findings = %+v, passes %d; want all 4, worst first, with node, code and bound", back.Findings, back.Passes)
	}

	// Passes with no finding say so; no pass, no line.
	c.Findings = nil
	text.Reset()
	if err := (View{W: &text}).Report(ReportOf(c, 3)); err != nil || !strings.Contains(text.String(), "red team:   2 pass(es), no finding") {
		t.Errorf("status of clean passes (err %v):\n%s", err, text.String())
	}
	c.RedteamPasses = 0
	text.Reset()
	if err := (View{W: &text}).Report(ReportOf(c, 3)); err != nil || strings.Contains(text.String(), "red team") {
		t.Errorf("status of a campaign never attacked has a red team line (err %v):\n%s", err, text.String())
	}
	js.Reset()
	if err := (View{W: &js, JSON: true}).Report(ReportOf(c, 3)); err != nil || strings.Contains(js.String(), `"findings"`) {
		t.Errorf("status -json of a campaign never attacked has findings (err %v)", err)
	}
}

func TestBestWarnsOfFindings(t *testing.T) {
	c := attackedCampaign()
	var warn bytes.Buffer
	View{W: &warn}.FindingsBest(c, c.Nodes[1])
	for _, want := range []string{"warning: the red team found 4 program(s)", "(3 against node 2, this one)", "sum_radii 1e+300 vs bound 2.6 (huge)"} {
		if !strings.Contains(warn.String(), want) {
			t.Errorf("best's warning lacks %q: %q", want, warn.String())
		}
	}
	c.Findings = nil
	warn.Reset()
	View{W: &warn}.FindingsBest(c, c.Nodes[1])
	if warn.Len() != 0 {
		t.Errorf("a warning with no finding: %q", warn.String())
	}
}
