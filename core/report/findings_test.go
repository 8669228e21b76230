package report

import (
	"bytes"
	"context"
	"html"
	"strings"
	"testing"

	"github.com/asi-evolve/asi/core/store"
)

// attackedSource is a fakeSource that holds red-team findings and passes.
type attackedSource struct {
	fakeSource
	findings []store.Finding
	passes   []store.Event
}

func (s *attackedSource) Findings(context.Context) ([]store.Finding, error) { return s.findings, nil }
func (s *attackedSource) EventsOfKind(_ context.Context, kind string) ([]store.Event, error) {
	if kind != store.EventRedteam {
		return nil, nil
	}
	return s.passes, nil
}

func TestFindingsLoadedAndReported(t *testing.T) {
	// fakeSource's campaign minimises: a finding scores under its bound.
	src := &attackedSource{
		fakeSource: fakeSource{nodes: []store.Node{
			{ID: 1, Step: 0, Name: "initial", Code: "v = 9\n", Valid: true, Score: 9},
			{ID: 2, Step: 1, Name: "better", Code: "v = 4\n", Valid: true, Score: 4},
		}},
		findings: []store.Finding{
			{NodeID: 2, Source: store.FindingSourceAudit, Attack: "shrink-10", Kind: "optimiser", Score: 1.8, Bound: 2, BoundText: "the best honest score 4 by 50%", Description: "every number scaled by 0.45"},
			{NodeID: 2, Source: store.FindingSourceAudit, Attack: "nan-radii", Kind: "library", Score: 0.2, Bound: 2, BoundText: "the best honest score 4 by 50%", Description: "radii NaN", Feedback: "all checks passed"},
			{NodeID: store.InitialProgramNode, Source: store.FindingSourceCommand, Attack: "zero-all", Kind: "library", Score: 1, Bound: 2, BoundText: "the declared known best"},
		},
		passes: []store.Event{{NodeID: 2, Kind: store.EventRedteam}, {NodeID: 1, Kind: store.EventRedteam}, {Kind: store.EventRedteam}},
	}
	c, err := Load(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	if c.RedteamPasses != 3 || len(c.Findings) != 3 {
		t.Fatalf("passes %d, findings %d; want 3 and 3", c.RedteamPasses, len(c.Findings))
	}
	var worst []string
	for _, f := range c.WorstFindings(2) {
		worst = append(worst, f.Attack)
	}
	if strings.Join(worst, ",") != "nan-radii,zero-all" {
		t.Errorf("worst two = %v; want nan-radii (0.2 under 2) then zero-all (1 under 2)", worst)
	}
	if got := len(c.FindingsOf(2)); got != 2 {
		t.Errorf("findings of node 2 = %d; want 2", got)
	}
	var b bytes.Buffer
	if err := WriteHTML(&b, c, nil, Options{}); err != nil {
		t.Fatal(err)
	}
	page := html.UnescapeString(b.String())
	for _, want := range []string{`<h2 id="redteam">Red team</h2>`, `3 time(s)`, `<b id="redteam-findings">3 finding(s)</b>`,
		`<td>node 2 (better)</td><td>nan-radii</td><td>library</td><td class="num">0.2</td>`, `<td class="num">90%</td><td>radii NaN</td><td>all checks passed</td>`,
		`<td>initial program</td><td>zero-all</td>`} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Index(page, "nan-radii") > strings.Index(page, "shrink-10") {
		t.Error("the report lists a milder finding before the worst one")
	}

	// Passes that found nothing are said; a campaign never attacked has
	// no section.
	clean, err := Load(context.Background(), &attackedSource{fakeSource: src.fakeSource, passes: src.passes[:1]})
	if err != nil {
		t.Fatal(err)
	}
	b.Reset()
	if err := WriteHTML(&b, clean, nil, Options{}); err != nil || !strings.Contains(b.String(), "it found nothing") || strings.Contains(b.String(), `id="redteam-table"`) {
		t.Errorf("a clean pass is not reported as finding nothing (err %v)", err)
	}
	never, _ := Load(context.Background(), &src.fakeSource)
	b.Reset()
	if err := WriteHTML(&b, never, nil, Options{}); err != nil || strings.Contains(b.String(), `id="redteam"`) {
		t.Errorf("a campaign never attacked has a red team section (err %v)", err)
	}
}
