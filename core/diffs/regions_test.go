package diffs

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func readTestdata(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// regionTexts returns the editable text of each region.
func regionTexts(code string, regions []Region) []string {
	var out []string
	for _, r := range regions {
		out = append(out, code[r.Start:r.End])
	}
	return out
}

func TestRegions(t *testing.T) {
	tests := []struct {
		name    string
		code    string
		want    []string
		wantErr string // substring; "" means no error
	}{
		{name: "no markers", code: "a\nb\n", want: nil},
		{name: "empty code", code: "", want: nil},
		{
			name: "one region",
			code: "head\n// EVOLVE-BLOCK-START\nx := 1\ny := 2\n// EVOLVE-BLOCK-END\ntail\n",
			want: []string{"x := 1\ny := 2\n"},
		},
		{
			name: "two regions with hash comments",
			code: "# EVOLVE-BLOCK-START\na\n# EVOLVE-BLOCK-END\nmid\n# EVOLVE-BLOCK-START\nb\n# EVOLVE-BLOCK-END",
			want: []string{"a\n", "b\n"},
		},
		{
			name: "empty region",
			code: "// EVOLVE-BLOCK-START\n// EVOLVE-BLOCK-END\n",
			want: []string{""},
		},
		{
			name: "crlf line ends",
			code: "h\r\n// EVOLVE-BLOCK-START\r\nx\r\n// EVOLVE-BLOCK-END\r\n",
			want: []string{"x\r\n"},
		},
		{name: "end without start", code: "a\n// EVOLVE-BLOCK-END\n", wantErr: "line 2: unbalanced EVOLVE-BLOCK markers: EVOLVE-BLOCK-END without"},
		{name: "nested start", code: "// EVOLVE-BLOCK-START\n// EVOLVE-BLOCK-START\n// EVOLVE-BLOCK-END\n", wantErr: "line 2: unbalanced EVOLVE-BLOCK markers: EVOLVE-BLOCK-START inside the region opened at line 1"},
		{name: "never closed", code: "a\n// EVOLVE-BLOCK-START\nb\n", wantErr: "line 2: unbalanced EVOLVE-BLOCK markers: EVOLVE-BLOCK-START never closed"},
		{name: "both on one line", code: "// EVOLVE-BLOCK-START EVOLVE-BLOCK-END\n", wantErr: "on one line"},
		{name: "start on last line without newline", code: "a\n// EVOLVE-BLOCK-START", wantErr: "never closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Regions(tt.code)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrUnbalancedMarkers) {
					t.Fatalf("Regions() error = %v, want ErrUnbalancedMarkers containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Regions() error = %v", err)
			}
			if diff := cmp.Diff(tt.want, regionTexts(tt.code, got)); diff != "" {
				t.Errorf("region texts (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRegionsTestdataProgram(t *testing.T) {
	code := readTestdata(t, "program.py")
	got, err := Regions(code)
	if err != nil {
		t.Fatal(err)
	}
	texts := regionTexts(code, got)
	if len(texts) != 2 || !strings.HasPrefix(texts[0], "def radii(n):\n") || texts[1] != "STEPS = 10   \n" {
		t.Errorf("regions = %q", texts)
	}
}

func TestCheckRewrite(t *testing.T) {
	const old = "head\n// EVOLVE-BLOCK-START\nx := 1\n// EVOLVE-BLOCK-END\nmid\n// EVOLVE-BLOCK-START\ny := 2\n// EVOLVE-BLOCK-END\ntail\n"
	tests := []struct {
		name     string
		old      string
		rewrite  string
		wantErr  error
		wantLine int
		wantText string // substring of the message
	}{
		{name: "identical", old: old, rewrite: old},
		{
			name:    "inside changes only",
			old:     old,
			rewrite: "head\n// EVOLVE-BLOCK-START\nx := 10\nz := 3\n// EVOLVE-BLOCK-END\nmid\n// EVOLVE-BLOCK-START\n// EVOLVE-BLOCK-END\ntail\n",
		},
		{name: "final newline dropped", old: old, rewrite: strings.TrimSuffix(old, "\n")},
		{name: "no markers in parent", old: "a\nb\n", rewrite: "anything\n"},
		{
			name:     "outside line changed",
			old:      old,
			rewrite:  strings.Replace(old, "mid\n", "middle\n", 1),
			wantErr:  ErrOutsideEvolveBlock,
			wantLine: 5,
			wantText: `the parent has "mid" but the rewrite has "middle"`,
		},
		{
			name:     "outside line added",
			old:      old,
			rewrite:  old + "extra\n",
			wantErr:  ErrOutsideEvolveBlock,
			wantLine: 10,
			wantText: `"extra" is outside`,
		},
		{
			name:     "outside line removed",
			old:      old,
			rewrite:  strings.Replace(old, "head\n", "", 1),
			wantErr:  ErrOutsideEvolveBlock,
			wantLine: 1,
			wantText: `the parent's line "head" belongs here`,
		},
		{
			name:     "trailing line removed",
			old:      old,
			rewrite:  strings.TrimSuffix(old, "tail\n"),
			wantErr:  ErrOutsideEvolveBlock,
			wantLine: 9,
			wantText: `the parent's line "tail" belongs here`,
		},
		{
			name:     "marker text changed",
			old:      old,
			rewrite:  strings.Replace(old, "// EVOLVE-BLOCK-END\nmid", "# EVOLVE-BLOCK-END\nmid", 1),
			wantErr:  ErrMarkerChanged,
			wantLine: 4,
		},
		{
			name:     "region removed",
			old:      old,
			rewrite:  "head\n// EVOLVE-BLOCK-START\nx := 1\n// EVOLVE-BLOCK-END\nmid\ny := 2\ntail\n",
			wantErr:  ErrMarkerChanged,
			wantText: "the rewrite has 1 EVOLVE-BLOCK regions, the parent has 2",
		},
		{
			name:     "unbalanced rewrite",
			old:      old,
			rewrite:  "head\n// EVOLVE-BLOCK-START\nx := 1\nmid\n// EVOLVE-BLOCK-START\ny := 2\n// EVOLVE-BLOCK-END\ntail\n",
			wantErr:  ErrUnbalancedMarkers,
			wantText: "keep every marker line",
		},
		{
			name:     "code moved out of a region",
			old:      old,
			rewrite:  "head\nx := 1\n// EVOLVE-BLOCK-START\n// EVOLVE-BLOCK-END\nmid\n// EVOLVE-BLOCK-START\ny := 2\n// EVOLVE-BLOCK-END\ntail\n",
			wantErr:  ErrOutsideEvolveBlock,
			wantLine: 2,
			wantText: `"x := 1" is outside`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckRewrite(tt.old, tt.rewrite)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("CheckRewrite() = %v, want nil", err)
				}
				return
			}
			var rerr *RewriteError
			if !errors.As(err, &rerr) || !errors.Is(err, tt.wantErr) {
				t.Fatalf("CheckRewrite() = %v, want *RewriteError wrapping %v", err, tt.wantErr)
			}
			if rerr.Line != tt.wantLine {
				t.Errorf("Line = %d, want %d (%v)", rerr.Line, tt.wantLine, err)
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("message %q lacks %q", err, tt.wantText)
			}
		})
	}
}

func TestCheckRewriteUnbalancedParent(t *testing.T) {
	err := CheckRewrite("// EVOLVE-BLOCK-START\n", "x\n")
	if !errors.Is(err, ErrUnbalancedMarkers) || !strings.HasPrefix(err.Error(), "parent program: ") {
		t.Fatalf("CheckRewrite() = %v, want parent program error wrapping ErrUnbalancedMarkers", err)
	}
}

func TestQuoteSaysWhenShortened(t *testing.T) {
	long := strings.Repeat("é", 300) // 600 bytes, two per rune
	got := quote(long)
	if !strings.Contains(got, "shortened here; the line has 600 bytes") {
		t.Errorf("quote() = %q, want a note about shortening", got)
	}
	if strings.Contains(got, `\x`) {
		t.Errorf("quote() cut a rune in half: %q", got)
	}
	if short := quote("abc"); short != `"abc"` {
		t.Errorf("quote(abc) = %s", short)
	}
}
