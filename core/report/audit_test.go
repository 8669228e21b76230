package report

import (
	"bytes"
	"context"
	"html"
	"strings"
	"testing"

	"github.com/asi-evolve/asi/core/store"
)

// auditedSource is a fakeSource that holds audits.
type auditedSource struct {
	fakeSource
	audits []store.Audit
}

func (s *auditedSource) Audits(context.Context) ([]store.Audit, error) { return s.audits, nil }

func TestAuditsLoadedAndReported(t *testing.T) {
	held, dropped, none := 1.0, 0.9, 0.0
	full := 1.0
	src := &auditedSource{
		fakeSource: fakeSource{nodes: []store.Node{
			{ID: 1, Step: 0, Name: "initial", Code: "v = 1\n", Valid: true, Score: 1},
			{ID: 2, Step: 1, Name: "honest", Code: "v = 2\n", Valid: true, Score: 2},
			{ID: 3, Step: 2, Name: "hack", Code: "v = 10\n", Valid: true, Score: 10},
			{ID: 4, Step: 3, Name: "crasher", Code: "v = 11\n", Valid: true, Score: 11},
		}},
		audits: []store.Audit{
			{NodeID: 2, Step: 1, PublicScore: 2, HeldOutScore: &held, Drop: &none},
			{NodeID: 3, Step: 2, PublicScore: 10, HeldOutScore: &held, Drop: &dropped, Flagged: true, Verdict: "gaming", Reason: "held-out value dropped by 90.0%"},
			{NodeID: 4, Step: 3, PublicScore: 11, Drop: &full, Flagged: true, Reason: "held-out stage \"verify\" failed: overlap"},
			{NodeID: 4, Step: 4, PublicScore: 11, HeldOutScore: &held, Drop: &none}, // audited again, cleared: the newest counts
		},
	}
	c, err := Load(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	if flagged := c.Flagged(); len(flagged) != 1 || flagged[0].NodeID != 3 {
		t.Fatalf("flagged = %+v; want node 3 only", flagged)
	}
	if c.AuditedCount() != 3 {
		t.Errorf("audited = %d; want 3 nodes", c.AuditedCount())
	}
	var b bytes.Buffer
	if err := WriteHTML(&b, c, nil, Options{}); err != nil {
		t.Fatal(err)
	}
	page := html.UnescapeString(b.String())
	for _, want := range []string{`<h2 id="audit">Audit</h2>`, `<b id="audit-flagged">1 flagged</b>`,
		`<tr class="failed"><td class="num">3</td><td>hack</td><td class="num">10</td><td class="num">1</td><td class="num">90.0%</td><td>gaming</td><td>flagged: held-out value dropped by 90.0%</td></tr>`} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if c, _ := Load(context.Background(), &src.fakeSource); c.Audits != nil {
		t.Errorf("a source without audits gave %+v", c.Audits)
	} else {
		b.Reset()
		if err := WriteHTML(&b, c, nil, Options{}); err != nil || strings.Contains(b.String(), `id="audit"`) {
			t.Errorf("a campaign never audited has an audit section (err %v)", err)
		}
	}
}
