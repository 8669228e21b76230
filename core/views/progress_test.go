package views

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/asi-evolve/asi/core/engine"
)

func TestDescribeProgress(t *testing.T) {
	tests := []struct {
		name string
		p    engine.Progress
		want string
	}{
		{
			name: "nothing yet",
			p:    engine.Progress{},
			want: "best score none | failed 0 | spent $0.00",
		},
		{
			name: "rate, spend and ETA",
			p: engine.Progress{Done: 10, Total: 30, Failures: 3, Best: 2.5, HasBest: true,
				Spend: 1.234, RunSteps: 5, Elapsed: 50 * time.Second},
			want: "best score 2.5 | failed 3 (30%) | spent $1.23 | ETA 3m20s",
		},
		{
			name: "evaluations that could not run, apart from the failures",
			p:    engine.Progress{Done: 10, Failures: 1, InfraFailures: 2},
			want: "best score none | failed 1 (10%) | not evaluated 2 | spent $0.00",
		},
		{
			name: "small spend keeps its digits",
			p:    engine.Progress{Done: 1, Spend: 0.0042},
			want: "best score none | failed 0 (0%) | spent $0.0042",
		},
		{
			name: "no budget, no ETA",
			p:    engine.Progress{Done: 4, RunSteps: 4, Elapsed: time.Second},
			want: "best score none | failed 0 (0%) | spent $0.00",
		},
		{
			name: "budget already passed",
			p:    engine.Progress{Done: 12, Total: 10, RunSteps: 2, Elapsed: time.Second},
			want: "best score none | failed 0 (0%) | spent $0.00 | ETA 0s",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := describe(tt.p, "score"); got != tt.want {
				t.Errorf("describe = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNewProgressPlainWhenNotATerminal(t *testing.T) {
	var b bytes.Buffer
	p := NewProgress(&b, false, "score")
	p.Update(engine.Progress{Done: 1, Total: 2, Spend: 0.5, RunSteps: 1, Elapsed: time.Second})
	p.Finish()
	out := b.String()
	if strings.ContainsRune(out, '\r') || strings.Contains(out, "\x1b[") {
		t.Fatalf("plain progress has terminal control characters: %q", out)
	}
	if !strings.Contains(out, "step 1/2") || !strings.Contains(out, "spent $0.50") || !strings.Contains(out, "ETA 1s") {
		t.Fatalf("plain progress line: %q", out)
	}
}
