package plugins

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestStderrTail(t *testing.T) {
	var many []string
	for i := 1; i <= 15; i++ {
		many = append(many, fmt.Sprintf("line %d\n", i))
	}
	tests := []struct {
		name      string
		writes    []string
		want      []string // the kept lines, oldest first
		wantPanic string
	}{
		{name: "nothing written"},
		{
			name:   "lines cut across writes",
			writes: []string{"hel", "lo\nwor", "ld\n\n", "unfinished"},
			want:   []string{"hello", "world"},
		},
		{
			name:   "a JSON log line is made readable",
			writes: []string{`{"@level":"error","@message":"about to panic","@module":"crashy","@timestamp":"2025-01-01T00:00:00Z","node":2}` + "\n"},
			want:   []string{"[ERROR] about to panic node=2"},
		},
		{name: "the last ten lines are kept", writes: many, want: []string{
			"line 6", "line 7", "line 8", "line 9", "line 10", "line 11", "line 12", "line 13", "line 14", "line 15",
		}},
		{
			name: "a panic is kept after the lines before it",
			writes: []string{"before\n", "panic: boom\n\ngoroutine 7 [running]:\nmain.f()\n\t/src/main.go:9 +0x1\n",
				"f1\nf2\nf3\nf4\nf5\nf6\n"},
			want: []string{"before", "panic: boom", "goroutine 7 [running]:", "main.f()", "\t/src/main.go:9 +0x1",
				"f1", "f2", "f3", "f4", "f5"},
			wantPanic: "panic: boom",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tail := &stderrTail{}
			w := tail.writer()
			for _, s := range tt.writes {
				if _, err := w.Write([]byte(s)); err != nil {
					t.Fatal(err)
				}
			}
			var got []string
			if s := tail.String(); s != "" {
				head, rest, _ := strings.Cut(s, "\n  ")
				if head != "the last lines of its stderr:" {
					t.Errorf("heading %q", head)
				}
				got = strings.Split(rest, "\n  ")
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("kept lines (-want +got):\n%s", diff)
			}
			if p := tail.panicked(); p != tt.wantPanic {
				t.Errorf("panicked() = %q, want %q", p, tt.wantPanic)
			}
		})
	}
}
