package report

import (
	"bytes"
	"html"
	"math"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/asi-evolve/asi/core/store"
)

func campaign(direction string) *Campaign {
	c := &Campaign{Name: "demo", Task: "number", Primary: "value", Direction: direction, Budget: 4,
		Usage: store.Usage{Calls: 4, PromptTokens: 100, CompletionTokens: 50, CostUSD: 0.02},
		Nodes: []store.Node{
			{ID: 1, Step: 0, Name: "initial", Code: "v = 1\n", Valid: true, Score: 1},
			{ID: 2, Step: 1, Parents: []int64{1}, Name: "up", Code: "v = 3\n", Valid: true, Score: 3, Motivation: "raise v"},
			{ID: 3, Step: 2, Parents: []int64{2}, Name: "bad", Error: "edit: SEARCH text not found at line 3"},
			{ID: 4, Step: 3, Parents: []int64{2, 1}, Name: "down", Code: "v = 0.5\n", Valid: true, Score: 0.5},
			{ID: 5, Step: 4, Parents: []int64{4}, Name: "crash", Error: "stage \"run\": invalid candidate: exit 2\nstack..."},
		}}
	c.index()
	return c
}

func TestFailureReason(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"edit failures count together", "edit: SEARCH text not found at line 3", "edit"},
		{"stage and kind", `stage "run": invalid candidate: exit 2`, `stage "run": invalid candidate`},
		{"evaluation error", `evaluate stage "run": plugin crashed: EOF`, `evaluate stage "run": plugin crashed`},
		{"one clause", "timeout", "timeout"},
		{"only the first line", "boom\nmore", "boom"},
		{"empty", "  ", "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FailureReason(tt.in); got != tt.want {
				t.Fatalf("FailureReason(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func ids(nodes []store.Node) []int64 {
	var out []int64
	for _, n := range nodes {
		out = append(out, n.ID)
	}
	return out
}

func TestCampaignFigures(t *testing.T) {
	tests := []struct {
		name      string
		direction string
		top       []int64
		lineage   []int64
		bests     []float64
	}{
		{"maximize", "maximize", []int64{2, 1, 4}, []int64{1, 2}, []float64{1, 3, 3, 3, 3}},
		{"minimize", "minimize", []int64{4, 1, 2}, []int64{1, 2, 4}, []float64{1, 1, 1, 0.5, 0.5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := campaign(tt.direction)
			if diff := cmp.Diff(tt.top, ids(c.Top(10))); diff != "" {
				t.Errorf("top (-want +got):\n%s", diff)
			}
			best, _ := c.Best()
			if diff := cmp.Diff(tt.lineage, ids(c.Lineage(best.ID))); diff != "" {
				t.Errorf("lineage (-want +got):\n%s", diff)
			}
			var bests []float64
			for _, p := range c.Curve() {
				bests = append(bests, p.Best)
			}
			if diff := cmp.Diff(tt.bests, bests); diff != "" {
				t.Errorf("best so far (-want +got):\n%s", diff)
			}
			if c.Done() != 4 || c.FailureCount() != 2 {
				t.Errorf("done %d failures %d, want 4 and 2", c.Done(), c.FailureCount())
			}
		})
	}
}

func TestFailuresGrouped(t *testing.T) {
	c := campaign("maximize")
	got := c.Failures()
	if len(got) != 2 || got[0].Count != 1 || got[0].Reason != "edit" || got[1].Example.ID != 5 {
		t.Fatalf("failures: %+v", got)
	}
}

// externalRef finds anything a browser would fetch from elsewhere.
var externalRef = regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?\s*(https?:|//)|<script|<link|@import|url\(`)

func TestWriteHTMLIsSelfContained(t *testing.T) {
	c := campaign("maximize")
	plots, err := c.Plots()
	if err != nil {
		t.Fatal(err)
	}
	if len(plots) != 2 {
		t.Fatalf("%d plots, want score and failures", len(plots))
	}
	for _, p := range plots {
		if !bytes.HasPrefix(p.PNG, []byte("\x89PNG")) || !bytes.Contains(p.SVG, []byte("<svg")) {
			t.Errorf("plot %s: not an SVG and a PNG", p.Name)
		}
	}
	var b bytes.Buffer
	if err := WriteHTML(&b, c, plots, Options{Now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	page := html.UnescapeString(b.String())
	if m := externalRef.FindString(page); m != "" {
		t.Errorf("report refers outside itself: %q", m)
	}
	for _, want := range []string{
		`<b id="best-score">3</b>`, `src="data:image/svg+xml;base64,`, "Lineage of the best program", "raise v",
		"edit", `stage "run": invalid candidate`, "$0.0200", "2026-01-02T03:04:05Z",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if n := strings.Count(page, "<img"); n != 2 {
		t.Errorf("%d images, want 2", n)
	}
}

func TestWriteHTMLEmpty(t *testing.T) {
	if err := WriteHTML(&bytes.Buffer{}, &Campaign{}, nil, Options{}); err != ErrNoNodes {
		t.Fatalf("err = %v, want ErrNoNodes", err)
	}
}

func TestBestAtKeepsTheBestSoFar(t *testing.T) {
	nodes := []store.Node{
		{Step: 0, Valid: true, Score: 2}, {Step: 1, Valid: false, Score: 9}, {Step: 2, Valid: true, Score: 5}, {Step: 3, Valid: true, Score: 1},
	}
	tests := []struct {
		name      string
		direction string
		want      []float64
	}{
		{"maximize", "maximize", []float64{2, 2, 5, 5}},
		{"minimize", "minimize", []float64{2, 2, 2, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := (&Campaign{Nodes: nodes, Direction: tt.direction}).BestAt([]int{0, 1, 2, 3})
			for i := range got {
				if got[i] != tt.want[i] || math.IsNaN(got[i]) {
					t.Fatalf("curve = %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestBestAtBeforeAnyValidNode(t *testing.T) {
	c := &Campaign{Nodes: []store.Node{{Step: 0, Error: "boom"}, {Step: 1, Valid: true, Score: 4}}}
	got := c.BestAt([]int{0, 1})
	if !math.IsNaN(got[0]) || got[1] != 4 {
		t.Fatalf("curve = %v, want [NaN 4]", got)
	}
}
