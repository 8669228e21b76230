package diffs

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestApply(t *testing.T) {
	const marked = "head\n// EVOLVE-BLOCK-START\nx := 1\ny := 2\n// EVOLVE-BLOCK-END\ntail\n"
	tests := []struct {
		name    string
		code    string
		blocks  []Block
		want    string
		wantErr error
		// wantBlock and wantText check an *ApplyError.
		wantBlock int
		wantText  string
	}{
		{
			name:   "no blocks leaves code as is",
			code:   marked,
			blocks: nil,
			want:   marked,
		},
		{
			name:   "replace inside region",
			code:   marked,
			blocks: []Block{{Search: "x := 1\n", Replace: "x := 10\n"}},
			want:   "head\n// EVOLVE-BLOCK-START\nx := 10\ny := 2\n// EVOLVE-BLOCK-END\ntail\n",
		},
		{
			name:   "multi-line replace grows the region",
			code:   marked,
			blocks: []Block{{Search: "x := 1\ny := 2\n", Replace: "a\nb\nc\n"}},
			want:   "head\n// EVOLVE-BLOCK-START\na\nb\nc\n// EVOLVE-BLOCK-END\ntail\n",
		},
		{
			name:   "deletion",
			code:   marked,
			blocks: []Block{{Search: "y := 2\n", Replace: ""}},
			want:   "head\n// EVOLVE-BLOCK-START\nx := 1\n// EVOLVE-BLOCK-END\ntail\n",
		},
		{
			name:   "blocks apply in order, the second seeing the first",
			code:   marked,
			blocks: []Block{{Search: "x := 1\n", Replace: "z := 3\n"}, {Search: "z := 3\n", Replace: "z := 4\n"}},
			want:   "head\n// EVOLVE-BLOCK-START\nz := 4\ny := 2\n// EVOLVE-BLOCK-END\ntail\n",
		},
		{
			name:   "search without final newline",
			code:   marked,
			blocks: []Block{{Search: "y := 2", Replace: "y := 5"}},
			want:   "head\n// EVOLVE-BLOCK-START\nx := 1\ny := 5\n// EVOLVE-BLOCK-END\ntail\n",
		},
		{
			name:   "trailing whitespace ignored when no exact match",
			code:   "// EVOLVE-BLOCK-START\nx := 1   \n// EVOLVE-BLOCK-END\n",
			blocks: []Block{{Search: "x := 1\n", Replace: "x := 2\n"}},
			want:   "// EVOLVE-BLOCK-START\nx := 2\n// EVOLVE-BLOCK-END\n",
		},
		{
			name:   "exact match preferred over loose matches",
			code:   "// EVOLVE-BLOCK-START\nx \nx\n// EVOLVE-BLOCK-END\n",
			blocks: []Block{{Search: "x\n", Replace: "y\n"}},
			want:   "// EVOLVE-BLOCK-START\nx \ny\n// EVOLVE-BLOCK-END\n",
		},
		{
			name:   "crlf code",
			code:   "// EVOLVE-BLOCK-START\r\nx\r\n// EVOLVE-BLOCK-END\r\n",
			blocks: []Block{{Search: "x\n", Replace: "y\n"}},
			want:   "// EVOLVE-BLOCK-START\r\ny\n// EVOLVE-BLOCK-END\r\n",
		},
		{
			name:   "the copy inside a region wins over one outside",
			code:   "x := 1\n// EVOLVE-BLOCK-START\nx := 1\n// EVOLVE-BLOCK-END\n",
			blocks: []Block{{Search: "x := 1\n", Replace: "x := 2\n"}},
			want:   "x := 1\n// EVOLVE-BLOCK-START\nx := 2\n// EVOLVE-BLOCK-END\n",
		},
		{
			name:   "no markers: everything editable, last line without newline",
			code:   "a\nb",
			blocks: []Block{{Search: "b\n", Replace: "c\n"}},
			want:   "a\nc",
		},
		{
			name:      "not found",
			code:      marked,
			blocks:    []Block{{Search: "x := 1\nw := 9\n", Replace: "q\n"}},
			wantErr:   ErrNoMatch,
			wantBlock: 1,
			wantText:  `block 1: the SEARCH text was not found in the program (first line: "x := 1"); SEARCH line 2, "w := 9", is not in the program`,
		},
		{
			name:      "not found: indentation hint",
			code:      "// EVOLVE-BLOCK-START\n    x := 1\n// EVOLVE-BLOCK-END\n",
			blocks:    []Block{{Search: "x := 1\n", Replace: "q\n"}},
			wantErr:   ErrNoMatch,
			wantBlock: 1,
			wantText:  "is at program line 2 with different indentation",
		},
		{
			name:      "not found: lines exist but not together",
			code:      "// EVOLVE-BLOCK-START\na\nb\nc\n// EVOLVE-BLOCK-END\n",
			blocks:    []Block{{Search: "a\nc\n", Replace: "q\n"}},
			wantErr:   ErrNoMatch,
			wantBlock: 1,
			wantText:  "not as one run of consecutive lines",
		},
		{
			name:      "ambiguous",
			code:      "// EVOLVE-BLOCK-START\nv++\nw\nv++\n// EVOLVE-BLOCK-END\n",
			blocks:    []Block{{Search: "v++\n", Replace: "v--\n"}},
			wantErr:   ErrAmbiguousMatch,
			wantBlock: 1,
			wantText:  "matches 2 places in the EVOLVE-BLOCK regions, at program lines 2, 4",
		},
		{
			name:      "ambiguous across two regions",
			code:      "// EVOLVE-BLOCK-START\nv++\n// EVOLVE-BLOCK-END\n// EVOLVE-BLOCK-START\nv++\n// EVOLVE-BLOCK-END\n",
			blocks:    []Block{{Search: "v++\n", Replace: "v--\n"}},
			wantErr:   ErrAmbiguousMatch,
			wantBlock: 1,
		},
		{
			name:      "ambiguous lists at most ten lines and says so",
			code:      "// EVOLVE-BLOCK-START\n" + strings.Repeat("v\n", 12) + "// EVOLVE-BLOCK-END\n",
			blocks:    []Block{{Search: "v\n", Replace: "w\n"}},
			wantErr:   ErrAmbiguousMatch,
			wantBlock: 1,
			wantText:  "2, 3, 4, 5, 6, 7, 8, 9, 10, 11, and 2 more",
		},
		{
			name:      "outside only",
			code:      marked,
			blocks:    []Block{{Search: "tail\n", Replace: "end\n"}},
			wantErr:   ErrOutsideEvolveBlock,
			wantBlock: 1,
			wantText:  "matches only outside the EVOLVE-BLOCK regions, at program line 6",
		},
		{
			name:      "straddling a marker",
			code:      marked,
			blocks:    []Block{{Search: "y := 2\n// EVOLVE-BLOCK-END\n", Replace: "y := 3\n"}},
			wantErr:   ErrOutsideEvolveBlock,
			wantBlock: 1,
		},
		{
			name:      "replace adds a marker",
			code:      marked,
			blocks:    []Block{{Search: "x := 1\n", Replace: "// EVOLVE-BLOCK-END\n"}},
			wantErr:   ErrMarkerChanged,
			wantBlock: 1,
		},
		{
			name:      "empty search",
			code:      marked,
			blocks:    []Block{{Search: "x := 1\n", Replace: "x := 2\n"}, {Search: "\n", Replace: "x\n"}},
			wantErr:   ErrMalformedBlock,
			wantBlock: 2,
			wantText:  "block 2: the SEARCH text is empty",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Apply(tt.code, tt.blocks)
			if tt.wantErr != nil {
				var aerr *ApplyError
				if !errors.As(err, &aerr) || !errors.Is(err, tt.wantErr) {
					t.Fatalf("Apply() error = %v, want *ApplyError wrapping %v", err, tt.wantErr)
				}
				if aerr.Block != tt.wantBlock {
					t.Errorf("Block = %d, want %d", aerr.Block, tt.wantBlock)
				}
				if !strings.Contains(err.Error(), tt.wantText) {
					t.Errorf("message %q lacks %q", err, tt.wantText)
				}
				if got != "" {
					t.Errorf("Apply() returned %q with an error", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("Apply() error = %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("code (-want +got):\n%s", diff)
			}
		})
	}
}

func TestApplyUnbalancedProgram(t *testing.T) {
	_, err := Apply("// EVOLVE-BLOCK-START\nx\n", []Block{{Search: "x\n", Replace: "y\n"}})
	if !errors.Is(err, ErrUnbalancedMarkers) {
		t.Fatalf("Apply() error = %v, want ErrUnbalancedMarkers", err)
	}
}

// TestApplyTestdataReply applies a realistic reply to the sample program.
func TestApplyTestdataReply(t *testing.T) {
	program := readTestdata(t, "program.py")
	reply, err := ParseReply(readTestdata(t, "replies/diff_with_prose.txt"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Apply(program, reply.Blocks)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(program, "out.append(0.1)", "out.append(0.05 + 0.002 * i)", 1)
	want = strings.Replace(want, "STEPS = 10   \n", "STEPS = 40\n", 1)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("code (-want +got):\n%s", diff)
	}
	if err := CheckRewrite(program, got); err != nil {
		t.Errorf("applied diff changed the outside text: %v", err)
	}
}

func TestApplyTestdataProgramErrors(t *testing.T) {
	program := readTestdata(t, "program.py")
	tests := []struct {
		name    string
		search  string
		wantErr error
	}{
		// "    out = []" is twice in the region and once in main().
		{name: "twice inside, once outside", search: "    out = []\n", wantErr: ErrAmbiguousMatch},
		{name: "only in the harness", search: "def main():\n", wantErr: ErrOutsideEvolveBlock},
		{name: "wrong indentation", search: "out.append(0.1)\n", wantErr: ErrNoMatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Apply(program, []Block{{Search: tt.search, Replace: "pass\n"}})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Apply() error = %v, want %v", err, tt.wantErr)
			}
		})
	}
}
