package views

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/asi-evolve/asi/core/report"
)

func TestReportShowsResearchCounters(t *testing.T) {
	tests := []struct {
		name string
		c    report.Research
		want string
	}{
		{"counters", report.Research{Repairs: 3, Repaired: 2, CascadeStops: 4, CascadeSaved: 1500 * time.Millisecond, NoveltyRejections: 1, Judged: 5},
			"research:   3 repair(s) (2 node(s) fixed), 4 cascade stop(s) saving ~1.5s, 1 near twin(s) sent back, 5 judged"},
		{"nothing to say", report.Research{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := (View{W: &b}).Report(Report{Research: ResearchOf(tt.c)}); err != nil {
				t.Fatal(err)
			}
			has := strings.Contains(b.String(), "research:")
			if tt.want == "" && has || tt.want != "" && !strings.Contains(b.String(), tt.want) {
				t.Fatalf("report:\n%s\nwant %q", b.String(), tt.want)
			}
		})
	}
}
