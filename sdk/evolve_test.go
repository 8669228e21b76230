package sdk_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/asi-evolve/asi/sdk"
)

const harness = "import x\n# EVOLVE-BLOCK-START\nrate = 0.1\n# EVOLVE-BLOCK-END\nrun()\n"

func TestEvolveBlock(t *testing.T) {
	tests := []struct {
		name      string
		code      string
		wantBlock string
		wantErr   string
	}{
		{"edited region", strings.Replace(harness, "0.1", "0.2", 1), "# EVOLVE-BLOCK-START\nrate = 0.2\n# EVOLVE-BLOCK-END", ""},
		{"harness before", strings.Replace(harness, "import x", "import os", 1), "", "line 1 before EVOLVE-BLOCK-START differs"},
		{"harness after", strings.Replace(harness, "run()", "print(1.0)", 1), "", "line 2 after EVOLVE-BLOCK-END differs"},
		{"markers gone", "rate = 0.1\n", "", "want exactly one"},
		{"two regions", harness + harness, "", "want exactly one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			block, err := sdk.EvolveBlock(tt.code, harness)
			if tt.wantErr == "" {
				if err != nil || block != tt.wantBlock {
					t.Fatalf("block %q, err %v; want %q", block, err, tt.wantBlock)
				}
				return
			}
			if !errors.Is(err, sdk.ErrHarnessChanged) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want ErrHarnessChanged with %q", err, tt.wantErr)
			}
		})
	}
}

// evolveCase is one file of testdata/evolve (see its README.md); core/diffs
// checks its Regions against the same files.
type evolveCase struct {
	code    string
	regions []string
	err     string
}

// parseEvolveCase reads the "-- name --" sections of a case file.
func parseEvolveCase(text string) (evolveCase, error) {
	var c evolveCase
	section, body := "", ""
	flush := func() {
		switch section {
		case "code":
			c.code = body
		case "region":
			c.regions = append(c.regions, body)
		case "error":
			c.err = strings.TrimSpace(body)
		}
	}
	for _, line := range strings.SplitAfter(text, "\n") {
		name, ok := strings.CutPrefix(strings.TrimSuffix(line, "\n"), "-- ")
		if name, found := strings.CutSuffix(name, " --"); ok && found {
			flush()
			section, body = name, ""
			continue
		}
		body += line
	}
	flush()
	if c.code == "" {
		return c, errors.New("no -- code -- section")
	}
	if c.err != "" && c.regions != nil {
		return c, errors.New("both -- region -- and -- error -- sections")
	}
	return c, nil
}

// TestSplitEvolveBlockSharedCases reads the cases core/diffs reads too:
// SplitEvolveBlock accepts exactly the programs with one region and its
// block holds that region's text between the two marker lines.
func TestSplitEvolveBlockSharedCases(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "evolve", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases in testdata/evolve: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			tc, err := parseEvolveCase(string(b))
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			_, block, _, err := sdk.SplitEvolveBlock(tc.code)
			if len(tc.regions) != 1 {
				if !errors.Is(err, sdk.ErrHarnessChanged) {
					t.Fatalf("SplitEvolveBlock() error = %v, want ErrHarnessChanged (the case has %d regions, error %q)", err, len(tc.regions), tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("SplitEvolveBlock() error = %v", err)
			}
			// block runs from the start of the START line to the end of the
			// END line; the region is what lies between those two lines.
			_, inner, _ := strings.Cut(block, "\n")
			inner = inner[:strings.LastIndex(inner, "\n")+1]
			if inner != tc.regions[0] {
				t.Errorf("text between the marker lines = %q, want %q", inner, tc.regions[0])
			}
		})
	}
}
