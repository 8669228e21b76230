package diffs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// evolveCasesDir holds the EVOLVE region cases shared with the sdk module,
// whose SplitEvolveBlock is checked against the same files.
var evolveCasesDir = filepath.Join("..", "..", "sdk", "testdata", "evolve")

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

func TestRegionsSharedCases(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(evolveCasesDir, "*.txt"))
	if err == nil && len(files) == 0 {
		err = fs.ErrNotExist
	}
	if errors.Is(err, fs.ErrNotExist) {
		// The sdk folder is a module of its own and is left out when this
		// module is fetched alone; the cases then run with the sdk module.
		t.Skipf("no EVOLVE cases in %s", evolveCasesDir)
	}
	if err != nil {
		t.Fatal(err)
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
		})
	}
}
