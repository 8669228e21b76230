package diffs

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseBlocks(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		want    []Block
		wantErr string // substring of an ErrMalformedBlock error; "" means none
	}{
		{name: "no blocks", text: "just prose\n=======\nheading above\n", want: nil},
		{name: "empty", text: "", want: nil},
		{
			name: "one block",
			text: "<<<<<<< SEARCH\nold\n=======\nnew\n>>>>>>> REPLACE\n",
			want: []Block{{Search: "old\n", Replace: "new\n"}},
		},
		{
			name: "two blocks with prose and fences",
			text: "First:\n```go\n<<<<<<< SEARCH\na\nb\n=======\nc\n>>>>>>> REPLACE\n```\nthen\n```go\n<<<<<<< SEARCH\nd\n=======\ne\nf\n>>>>>>> REPLACE\n```",
			want: []Block{{Search: "a\nb\n", Replace: "c\n"}, {Search: "d\n", Replace: "e\nf\n"}},
		},
		{
			name: "deletion",
			text: "<<<<<<< SEARCH\ngone\n=======\n>>>>>>> REPLACE",
			want: []Block{{Search: "gone\n", Replace: ""}},
		},
		{
			name: "five and nine marker characters with spaces",
			text: "<<<<< SEARCH  \nold\n=========\t\nnew\n  >>>>>>>>> REPLACE \n",
			want: []Block{{Search: "old\n", Replace: "new\n"}},
		},
		{
			name: "four or ten marker characters are content",
			text: "<<<<<<< SEARCH\n<<<< SEARCH\n==========\n=======\n====\n>>>>>>>>>> REPLACE\n>>>>>>> REPLACE\n",
			want: []Block{{Search: "<<<< SEARCH\n==========\n", Replace: "====\n>>>>>>>>>> REPLACE\n"}},
		},
		{
			name: "divider inside replace is content",
			text: "<<<<<<< SEARCH\nold\n=======\nnew\n=======\nmore\n>>>>>>> REPLACE\n",
			want: []Block{{Search: "old\n", Replace: "new\n=======\nmore\n"}},
		},
		{
			name: "crlf",
			text: "<<<<<<< SEARCH\r\nold\r\n=======\r\nnew\r\n>>>>>>> REPLACE\r\n",
			want: []Block{{Search: "old\n", Replace: "new\n"}},
		},
		{
			name: "indentation and blank lines kept",
			text: "<<<<<<< SEARCH\n    if x:\n\n        y()\n=======\n    if x:\n        z()\n>>>>>>> REPLACE\n",
			want: []Block{{Search: "    if x:\n\n        y()\n", Replace: "    if x:\n        z()\n"}},
		},
		{
			name: "file line styles",
			text: "File: a.py\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n" +
				"### File: `pkg/b.py`\n\n```python\n<<<<<<< SEARCH\nc\n=======\nd\n>>>>>>> REPLACE\n```\n" +
				"**File:** c.py\n<<<<<<< SEARCH\ne\n=======\n>>>>>>> REPLACE\n" +
				"=== file: d.py ===\n<<<<<<< SEARCH\nf\n=======\n>>>>>>> REPLACE\n" +
				"file: pkg/__init__.py\n<<<<<<< SEARCH\ng\n=======\n>>>>>>> REPLACE\n",
			want: []Block{
				{Search: "a\n", Replace: "b\n", File: "a.py"},
				{Search: "c\n", Replace: "d\n", File: "pkg/b.py"},
				{Search: "e\n", File: "c.py"},
				{Search: "f\n", File: "d.py"},
				{Search: "g\n", File: "pkg/__init__.py"},
			},
		},
		{
			name: "file line not next to the block names nothing",
			text: "File: a.py\nthen this:\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n" +
				"File: b.py\n```\n```python\n<<<<<<< SEARCH\nc\n=======\nd\n>>>>>>> REPLACE\n" +
				"<<<<<<< SEARCH\ne\n=======\n>>>>>>> REPLACE\n" +
				"File: the model file\n<<<<<<< SEARCH\nf\n=======\n>>>>>>> REPLACE\n",
			want: []Block{{Search: "a\n", Replace: "b\n"}, {Search: "c\n", Replace: "d\n"}, {Search: "e\n"}, {Search: "f\n"}},
		},
		{
			name: "file line inside a block is content",
			text: "<<<<<<< SEARCH\nFile: x\n=======\nFile: y\n>>>>>>> REPLACE\n<<<<<<< SEARCH\nz\n=======\n>>>>>>> REPLACE\n",
			want: []Block{{Search: "File: x\n", Replace: "File: y\n"}, {Search: "z\n"}},
		},
		{name: "unterminated search", text: "<<<<<<< SEARCH\nold\n", wantErr: "block 1 (reply line 1): malformed SEARCH/REPLACE block: the text ends inside the SEARCH section"},
		{name: "missing divider", text: "<<<<<<< SEARCH\nold\nnew\n>>>>>>> REPLACE\n", wantErr: "comes before any ======= line"},
		{name: "search inside search", text: "<<<<<<< SEARCH\nold\n<<<<<<< SEARCH\n", wantErr: "a new <<<<<<< SEARCH at line 3 before the ======="},
		{name: "search inside replace", text: "<<<<<<< SEARCH\nold\n=======\nnew\n<<<<<<< SEARCH\n", wantErr: "before the >>>>>>> REPLACE"},
		{name: "ends inside replace", text: "x\n<<<<<<< SEARCH\nold\n=======\nnew\n", wantErr: "block 1 (reply line 2): malformed SEARCH/REPLACE block: the text ends before the >>>>>>> REPLACE"},
		{name: "stray replace", text: "prose\n>>>>>>> REPLACE\n", wantErr: "with no <<<<<<< SEARCH line before it"},
		{name: "empty search", text: "<<<<<<< SEARCH\n  \n=======\nnew\n>>>>>>> REPLACE\n", wantErr: "the SEARCH section is empty"},
		{
			name:    "second block numbered",
			text:    "<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n<<<<<<< SEARCH\nc\n",
			wantErr: "block 2 (reply line 6)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseBlocks(tt.text)
			if tt.wantErr != "" {
				if !errors.Is(err, ErrMalformedBlock) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseBlocks() error = %v, want ErrMalformedBlock containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseBlocks() error = %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("blocks (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFormatBlocksRoundTrip(t *testing.T) {
	tests := []struct {
		name   string
		blocks []Block
		want   []Block // what parsing the text gives back
	}{
		{
			name:   "plain",
			blocks: []Block{{Search: "a\n", Replace: "b\n"}, {Search: "c\nd\n", Replace: ""}},
			want:   []Block{{Search: "a\n", Replace: "b\n"}, {Search: "c\nd\n", Replace: ""}},
		},
		{
			name:   "file lines",
			blocks: []Block{{Search: "a\n", Replace: "b\n", File: "pkg/model.py"}, {Search: "c\n"}, {Search: "d\n", File: "train.py"}},
			want:   []Block{{Search: "a\n", Replace: "b\n", File: "pkg/model.py"}, {Search: "c\n"}, {Search: "d\n", File: "train.py"}},
		},
		{
			name:   "missing final newlines are added",
			blocks: []Block{{Search: "a", Replace: "b"}},
			want:   []Block{{Search: "a\n", Replace: "b\n"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseBlocks(FormatBlocks(tt.blocks))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}
