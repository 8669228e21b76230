package diffs

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/asi-evolve/asi/sdk"
)

// evolveCasesDir holds the EVOLVE region cases both readings of the
// markers are checked against: Regions here and sdk.SplitEvolveBlock, which
// task authors use.
var evolveCasesDir = filepath.Join("testdata", "evolve")

// evolveCase is one file of evolveCasesDir (see its README.md).
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

// TestEvolveCases checks both readings of the markers against every case:
// Regions finds the case's regions or its error, and SplitEvolveBlock
// accepts exactly the programs with one region, its block holding that
// region's text between the two marker lines.
func TestEvolveCases(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(evolveCasesDir, "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases in %s: %v", evolveCasesDir, err)
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		tc, err := parseEvolveCase(string(b))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		t.Run(filepath.Base(file)+"/Regions", func(t *testing.T) { checkRegions(t, tc) })
		t.Run(filepath.Base(file)+"/SplitEvolveBlock", func(t *testing.T) { checkSplitEvolveBlock(t, tc) })
	}
}

func checkRegions(t *testing.T, tc evolveCase) {
	got, err := Regions(tc.code)
	if tc.err != "" {
		if !errors.Is(err, ErrUnbalancedMarkers) || !strings.Contains(err.Error(), tc.err) {
			t.Fatalf("Regions() error = %v, want ErrUnbalancedMarkers containing %q", err, tc.err)
		}
		return
	}
	if err != nil {
		t.Fatalf("Regions() error = %v", err)
	}
	if diff := cmp.Diff(tc.regions, regionTexts(tc.code, got)); diff != "" {
		t.Errorf("region texts (-want +got):\n%s", diff)
	}
}

func checkSplitEvolveBlock(t *testing.T, tc evolveCase) {
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
	// block runs from the start of the START line to the end of the END
	// line; the region is what lies between those two lines.
	_, inner, _ := strings.Cut(block, "\n")
	inner = inner[:strings.LastIndex(inner, "\n")+1]
	if inner != tc.regions[0] {
		t.Errorf("text between the marker lines = %q, want %q", inner, tc.regions[0])
	}
}
