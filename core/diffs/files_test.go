package diffs

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/asi-evolve/asi/sdk/bundle"
)

// twoFiles is a program of two files, each with a region; both regions
// hold "lr = 0.1" so that a block naming no file is ambiguous.
var twoFiles = join(
	bundle.File{Path: "pkg/model.py", Content: "import math\n# EVOLVE-BLOCK-START\nwidth = 8\nlr = 0.1\n# EVOLVE-BLOCK-END\n"},
	bundle.File{Path: "train.py", Content: "from pkg import model\n# EVOLVE-BLOCK-START\nsteps = 100\nlr = 0.1\n# EVOLVE-BLOCK-END\nmain()\n"},
	bundle.File{Path: "README.md", Content: "steps = 100\nread only\n"},
)

func join(files ...bundle.File) string {
	code, err := bundle.Join(files)
	if err != nil {
		panic(err)
	}
	return code
}

func TestRegionsBundle(t *testing.T) {
	tests := []struct {
		name    string
		code    string
		want    []string
		wantErr string // substring of an ErrUnbalancedMarkers error; "" means none
	}{
		{name: "one region per file", code: twoFiles, want: []string{"width = 8\nlr = 0.1\n", "steps = 100\nlr = 0.1\n"}},
		{
			name:    "region crosses into the next file",
			code:    "=== file: a.py ===\n# EVOLVE-BLOCK-START\nx = 1\n=== file: b.py ===\ny = 2\n# EVOLVE-BLOCK-END\n",
			wantErr: "line 2 (a.py line 1): unbalanced EVOLVE-BLOCK markers: EVOLVE-BLOCK-START never closed by EVOLVE-BLOCK-END in a.py; a region may not cross into b.py",
		},
		{
			name:    "never closed in the last file",
			code:    "=== file: a.py ===\nx\n=== file: b.py ===\n# EVOLVE-BLOCK-START\n",
			wantErr: "line 4 (b.py line 1): unbalanced EVOLVE-BLOCK markers: EVOLVE-BLOCK-START never closed",
		},
		{
			name:    "end without start names the file",
			code:    "=== file: a.py ===\nx\n=== file: b.py ===\n# EVOLVE-BLOCK-END\n",
			wantErr: "line 4 (b.py line 1): unbalanced EVOLVE-BLOCK markers: EVOLVE-BLOCK-END without",
		},
		{
			name: "a header line never reads as a marker",
			code: "=== file: EVOLVE-BLOCK-START ===\n# EVOLVE-BLOCK-START\nx\n# EVOLVE-BLOCK-END\n",
			want: []string{"x\n"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Regions(tt.code)
			if tt.wantErr != "" {
				if !errors.Is(err, ErrUnbalancedMarkers) || !strings.Contains(err.Error(), tt.wantErr) {
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

func TestRegionsRepeatedHeader(t *testing.T) {
	_, err := Regions("=== file: a.py ===\nx\n=== file: a.py ===\ny\n")
	if !errors.Is(err, ErrFileHeader) || !errors.Is(err, bundle.ErrInvalid) {
		t.Fatalf("Regions() error = %v, want ErrFileHeader and bundle.ErrInvalid", err)
	}
}

func TestApplyBundle(t *testing.T) {
	unmarked := join(bundle.File{Path: "a.py", Content: "x = 1\n"}, bundle.File{Path: "b.py", Content: "x = 1\ny = 2\n"})
	tests := []struct {
		name    string
		code    string
		blocks  []Block
		want    string // the edited code, with "" for an error
		wantErr error
		// wantText is part of the error's message.
		wantText string
	}{
		{
			name:   "file names the region",
			code:   twoFiles,
			blocks: []Block{{Search: "lr = 0.1\n", Replace: "lr = 0.2\n", File: "train.py"}},
			want:   strings.Replace(twoFiles, "steps = 100\nlr = 0.1\n", "steps = 100\nlr = 0.2\n", 1),
		},
		{
			name:   "./ before the path is the same file",
			code:   twoFiles,
			blocks: []Block{{Search: "lr = 0.1\n", Replace: "lr = 0.2\n", File: "./pkg/model.py"}},
			want:   strings.Replace(twoFiles, "width = 8\nlr = 0.1\n", "width = 8\nlr = 0.2\n", 1),
		},
		{
			name:   "no file, one match across files",
			code:   twoFiles,
			blocks: []Block{{Search: "width = 8\n", Replace: "width = 16\n"}},
			want:   strings.Replace(twoFiles, "width = 8", "width = 16", 1),
		},
		{
			name:     "no file, a match in two files",
			code:     twoFiles,
			blocks:   []Block{{Search: "lr = 0.1\n", Replace: "lr = 0.2\n"}},
			wantErr:  ErrAmbiguousMatch,
			wantText: `block 1: the SEARCH text (first line: "lr = 0.1") matches 2 places in several files, at program lines 5 (pkg/model.py line 4), 11 (train.py line 4); put the line "File: PATH" just before <<<<<<< SEARCH`,
		},
		{
			name:     "unknown file",
			code:     twoFiles,
			blocks:   []Block{{Search: "lr = 0.1\n", Replace: "lr = 0.2\n", File: "model.py"}},
			wantErr:  ErrUnknownFile,
			wantText: `the program has no file "model.py"; its files are pkg/model.py, train.py, README.md`,
		},
		{
			name:     "a file without a region is read only",
			code:     twoFiles,
			blocks:   []Block{{Search: "read only\n", Replace: "changed\n", File: "README.md"}},
			wantErr:  ErrOutsideEvolveBlock,
			wantText: "README.md has no EVOLVE-BLOCK region, so none of its lines may change; the files that may change are pkg/model.py, train.py",
		},
		{
			name:     "match only in the named file's harness",
			code:     twoFiles,
			blocks:   []Block{{Search: "main()\n", Replace: "x\n", File: "train.py"}},
			wantErr:  ErrOutsideEvolveBlock,
			wantText: "at program line 13 (train.py line 6)",
		},
		{
			name:     "match only in another file",
			code:     twoFiles,
			blocks:   []Block{{Search: "width = 8\n", Replace: "width = 9\n", File: "train.py"}},
			wantErr:  ErrNoMatch,
			wantText: `is not in train.py but is at program line 4 (pkg/model.py line 3); name that file`,
		},
		{
			name:   "a file's region is searched, not its read-only twin line",
			code:   twoFiles,
			blocks: []Block{{Search: "steps = 100\n", Replace: "steps = 200\n"}},
			want:   strings.Replace(twoFiles, "steps = 100\nlr", "steps = 200\nlr", 1),
		},
		{
			name:     "replace adds a header",
			code:     twoFiles,
			blocks:   []Block{{Search: "width = 8\n", Replace: "width = 8\n=== file: evil.py ===\n"}},
			wantErr:  ErrFileHeader,
			wantText: `REPLACE line 2, "=== file: evil.py ===", is a file header line; file headers may not be added, removed or changed`,
		},
		{
			name:     "search quotes a header",
			code:     unmarked,
			blocks:   []Block{{Search: "=== file: b.py ===\nx = 1\n", Replace: "x = 2\n"}},
			wantErr:  ErrFileHeader,
			wantText: `SEARCH line 1, "=== file: b.py ===", is a file header line`,
		},
		{
			name:   "without markers each file is editable in its section",
			code:   unmarked,
			blocks: []Block{{Search: "x = 1\n", Replace: "x = 3\n", File: "b.py"}, {Search: "x = 1\n", Replace: "x = 4\n"}},
			want:   join(bundle.File{Path: "a.py", Content: "x = 4\n"}, bundle.File{Path: "b.py", Content: "x = 3\ny = 2\n"}),
		},
		{
			name:     "without markers a block naming no file is still ambiguous",
			code:     unmarked,
			blocks:   []Block{{Search: "x = 1\n", Replace: "x = 3\n"}},
			wantErr:  ErrAmbiguousMatch,
			wantText: "at program lines 2 (a.py line 1), 4 (b.py line 1)",
		},
		{
			name:   "file is ignored in a program of one file",
			code:   "# EVOLVE-BLOCK-START\nx = 1\n# EVOLVE-BLOCK-END\n",
			blocks: []Block{{Search: "x = 1\n", Replace: "x = 2\n", File: "main.py"}},
			want:   "# EVOLVE-BLOCK-START\nx = 2\n# EVOLVE-BLOCK-END\n",
		},
		{
			name:     "a header in a program of one file is refused too",
			code:     "x = 1\n",
			blocks:   []Block{{Search: "x = 1\n", Replace: "=== file: a.py ===\nx = 1\n"}},
			wantErr:  ErrFileHeader,
			wantText: "REPLACE line 1",
		},
		{
			name:     "an edit may not bare a header line",
			code:     "x = 1\n=== file: a.py ===\n",
			blocks:   []Block{{Search: "x = 1\n", Replace: ""}},
			wantErr:  ErrFileHeader,
			wantText: "would make the program several files",
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
				if !strings.Contains(err.Error(), tt.wantText) {
					t.Errorf("message %q lacks %q", err, tt.wantText)
				}
				return
			}
			if err != nil {
				t.Fatalf("Apply() error = %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("code (-want +got):\n%s", diff)
			}
			if err := CheckRewrite(tt.code, got); err != nil {
				t.Errorf("CheckRewrite() rejects the applied edit: %v", err)
			}
		})
	}
}

func TestCheckRewriteBundle(t *testing.T) {
	model := bundle.File{Path: "pkg/model.py", Content: "import math\n# EVOLVE-BLOCK-START\nwidth = 8\nlr = 0.1\n# EVOLVE-BLOCK-END\n"}
	train := bundle.File{Path: "train.py", Content: "from pkg import model\n# EVOLVE-BLOCK-START\nsteps = 100\nlr = 0.1\n# EVOLVE-BLOCK-END\nmain()\n"}
	readme := bundle.File{Path: "README.md", Content: "steps = 100\nread only\n"}
	tests := []struct {
		name     string
		rewrite  string
		wantErr  error // nil: the rewrite passes
		wantText string
	}{
		{name: "same files, regions changed", rewrite: strings.Replace(twoFiles, "width = 8", "width = 32", 1)},
		{
			name:     "no header",
			rewrite:  model.Content + train.Content + readme.Content,
			wantErr:  ErrFileHeader,
			wantText: `rewrite line 1: the rewrite begins with "import math", not with the header line of its first file; give all 3 files, in this order, each beginning with its header line "=== file: PATH ===": pkg/model.py, train.py, README.md`,
		},
		{
			name:     "a file missing",
			rewrite:  join(model, train),
			wantErr:  ErrFileHeader,
			wantText: "rewrite: the rewrite lacks README.md; give all 3 files",
		},
		{
			name:     "a file renamed",
			rewrite:  join(model, bundle.File{Path: "train2.py", Content: train.Content}, readme),
			wantErr:  ErrFileHeader,
			wantText: "the rewrite lacks train.py and has train2.py, which the parent does not",
		},
		{
			name:     "files reordered",
			rewrite:  join(train, model, readme),
			wantErr:  ErrFileHeader,
			wantText: "the rewrite has the files in the order train.py, pkg/model.py, README.md",
		},
		{
			name:     "a repeated file",
			rewrite:  twoFiles + "=== file: train.py ===\n",
			wantErr:  ErrFileHeader,
			wantText: "train.py appears twice",
		},
		{
			name:     "read-only file changed names the file and line",
			rewrite:  strings.Replace(twoFiles, "read only", "changed", 1),
			wantErr:  ErrOutsideEvolveBlock,
			wantText: `rewrite line 16: in README.md line 2: outside the EVOLVE-BLOCK regions the parent has "read only" but the rewrite has "changed"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckRewrite(twoFiles, tt.rewrite)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("CheckRewrite() error = %v", err)
				}
				return
			}
			var rerr *RewriteError
			if !errors.As(err, &rerr) || !errors.Is(err, tt.wantErr) {
				t.Fatalf("CheckRewrite() error = %v, want *RewriteError wrapping %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("message %q lacks %q", err, tt.wantText)
			}
		})
	}
}

// TestCheckRewriteBundleWithoutMarkers checks that headers are kept even
// where every other line may change.
func TestCheckRewriteBundleWithoutMarkers(t *testing.T) {
	parent := join(bundle.File{Path: "a.py", Content: "x\n"}, bundle.File{Path: "b.py", Content: "y\n"})
	if err := CheckRewrite(parent, join(bundle.File{Path: "a.py", Content: "z\n"}, bundle.File{Path: "b.py", Content: "w\n"})); err != nil {
		t.Fatalf("CheckRewrite() of the same files = %v", err)
	}
	if err := CheckRewrite(parent, "z\nw\n"); !errors.Is(err, ErrFileHeader) {
		t.Fatalf("CheckRewrite() without headers = %v, want ErrFileHeader", err)
	}
}
