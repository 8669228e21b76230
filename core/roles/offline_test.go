package roles

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/asi-evolve/asi/core/diffs"
	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/sdk/bundle"
)

type searchReplace struct{ search, replace string }

var (
	blockRE = regexp.MustCompile(`(?s)<<<<<<< SEARCH\n(.*?)\n=======\n(.*?)\n>>>>>>> REPLACE`)
	nameRE  = regexp.MustCompile(`^<name>([a-z0-9]+(?:-[a-z0-9]+)*)</name>\n<motivation>([^\n]+)</motivation>\n<diff>\n`)
)

// parseReply is a minimal reading of the researcher format, independent
// of the diffs package.
func parseReply(t *testing.T, reply string) (name, motivation string, blocks []searchReplace) {
	t.Helper()
	m := nameRE.FindStringSubmatch(reply)
	if m == nil {
		t.Fatalf("reply does not start with <name>, <motivation>, <diff>:\n%s", reply)
	}
	if !strings.HasSuffix(reply, "</diff>\n") {
		t.Fatalf("reply does not end with </diff>:\n%s", reply)
	}
	for _, b := range blockRE.FindAllStringSubmatch(reply, -1) {
		blocks = append(blocks, searchReplace{b[1], b[2]})
	}
	if len(blocks) == 0 {
		t.Fatalf("reply has no SEARCH/REPLACE block:\n%s", reply)
	}
	return m[1], m[2], blocks
}

// applyStrict applies blocks by plain string replacement, each SEARCH text
// having to occur exactly once.
func applyStrict(t *testing.T, code string, blocks []searchReplace) string {
	t.Helper()
	for i, b := range blocks {
		if n := strings.Count(code, b.search); n != 1 {
			t.Fatalf("block %d: SEARCH occurs %d times, want once:\n%s", i, n, b.search)
		}
		code = strings.Replace(code, b.search, b.replace, 1)
	}
	return code
}

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "offline", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// regionLines marks the lines strictly between the markers.
func regionLines(code string) map[int]bool {
	in := map[int]bool{}
	open := false
	for i, l := range strings.Split(code, "\n") {
		switch {
		case strings.Contains(l, diffs.StartMarker):
			open = true
		case strings.Contains(l, diffs.EndMarker):
			open = false
		case open:
			in[i] = true
		}
	}
	return in
}

func research1(t *testing.T, seed int64, parents ...llm.Parent) string {
	t.Helper()
	resp, err := NewOffline().Complete(context.Background(), llm.Request{Role: llm.RoleResearcher, Parents: parents, Seed: seed})
	if err != nil {
		t.Fatalf("seed %d: %v", seed, err)
	}
	return resp.Content
}

func TestOfflineEditsOnlyEvolveRegions(t *testing.T) {
	tests := []struct {
		name      string
		file      string
		untouched []string // text inside comments and strings that must survive
	}{
		{
			name:      "go",
			file:      "parent.go.txt",
			untouched: []string{"weights 0.5 and 7 in comments", `"version 2.5"`, "// tail 9.9", "const rounds = 12", "const margin = 0.25", "score(1.5)"},
		},
		{
			name:      "python",
			file:      "parent.py.txt",
			untouched: []string{`"""Warm up for 10 steps, then decay by 0.5."""`, "keep 42\n    and 43", "# ramp 1.5", "STEPS = 100  # outside"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code := readTestdata(t, tt.file)
			inRegion := regionLines(code)
			parentLines := strings.Split(code, "\n")
			for seed := range int64(300) {
				reply := research1(t, seed, llm.Parent{NodeID: 7, Code: code, Score: 0.5})
				name, motivation, blocks := parseReply(t, reply)
				got := applyStrict(t, code, blocks)
				gotLines := strings.Split(got, "\n")
				if len(gotLines) != len(parentLines) {
					t.Fatalf("seed %d: %d lines after edit, want %d", seed, len(gotLines), len(parentLines))
				}
				changed := 0
				for i := range parentLines {
					if gotLines[i] == parentLines[i] {
						continue
					}
					changed++
					if !inRegion[i] {
						t.Errorf("seed %d: line %d outside the evolve block changed: %q -> %q", seed, i+1, parentLines[i], gotLines[i])
					}
					if !strings.Contains(motivation, fmt.Sprintf("line %d:", i+1)) {
						t.Errorf("seed %d: motivation does not name changed line %d: %s", seed, i+1, motivation)
					}
				}
				if changed < 1 || changed > 3 {
					t.Errorf("seed %d: %d lines changed, want 1-3", seed, changed)
				}
				if want := fmt.Sprintf("mutate-%d-const", changed); !strings.HasPrefix(name, want) {
					t.Errorf("seed %d: name %q, want prefix %q", seed, name, want)
				}
				for _, keep := range tt.untouched {
					if !strings.Contains(got, keep) {
						t.Errorf("seed %d: %q was changed:\n%s", seed, keep, reply)
					}
				}
			}
		})
	}
}

func TestOfflineCrossover(t *testing.T) {
	code := readTestdata(t, "parent.go.txt")
	other := strings.NewReplacer(
		"\ta := 0.75", "\ta := 0.6 * 1.1",
		"\t\ttotal += i * 4", "\t\ttotal += i*i + 1",
	).Replace(code)
	if other == code {
		t.Fatal("second parent equals the first")
	}
	parentLines, otherLines := strings.Split(code, "\n"), strings.Split(other, "\n")
	inRegion := regionLines(code)
	var crossed, mutated int
	for seed := range int64(200) {
		reply := research1(t, seed, llm.Parent{NodeID: 7, Code: code}, llm.Parent{NodeID: 11, Code: other})
		_, motivation, blocks := parseReply(t, reply)
		gotLines := strings.Split(applyStrict(t, code, blocks), "\n")
		for i := range parentLines {
			if gotLines[i] == parentLines[i] {
				continue
			}
			if !inRegion[i] {
				t.Fatalf("seed %d: line %d outside the evolve block changed", seed, i+1)
			}
			if gotLines[i] == otherLines[i] {
				crossed++
				if !strings.Contains(motivation, fmt.Sprintf("line %d taken from node 11", i+1)) {
					t.Errorf("seed %d: motivation does not credit node 11 for line %d: %s", seed, i+1, motivation)
				}
			} else {
				mutated++
			}
		}
	}
	if crossed == 0 || mutated == 0 {
		t.Errorf("over 200 seeds: %d crossed lines, %d mutated lines; want both", crossed, mutated)
	}
}

func TestOfflineDeterminism(t *testing.T) {
	code := readTestdata(t, "parent.go.txt")
	p := llm.Parent{NodeID: 1, Code: code}
	if a, b := research1(t, 42, p), research1(t, 42, p); a != b {
		t.Errorf("same seed, different replies:\n%s\n---\n%s", a, b)
	}
	distinct := map[string]bool{}
	for seed := range int64(20) {
		distinct[research1(t, seed, p)] = true
	}
	if len(distinct) < 15 {
		t.Errorf("20 seeds gave only %d distinct replies", len(distinct))
	}
}

func TestOfflineDuplicateLinesGetContext(t *testing.T) {
	code := "x = 1\n# EVOLVE-BLOCK-START\nfor i in range(3):\n    x += 2\nfor j in range(3):\n    x += 2\n# EVOLVE-BLOCK-END\n"
	for seed := range int64(100) {
		_, _, blocks := parseReply(t, research1(t, seed, llm.Parent{Code: code}))
		got := applyStrict(t, code, blocks)
		if !strings.HasPrefix(got, "x = 1\n# EVOLVE-BLOCK-START\n") || !strings.HasSuffix(got, "# EVOLVE-BLOCK-END\n") {
			t.Fatalf("seed %d: edit escaped the block:\n%s", seed, got)
		}
		for _, b := range blocks {
			if strings.Contains(b.search, "EVOLVE-BLOCK") {
				t.Errorf("seed %d: SEARCH reaches a marker line although the region is unique:\n%s", seed, b.search)
			}
		}
	}
}

func TestOfflineWithoutNumbers(t *testing.T) {
	code := "// EVOLVE-BLOCK-START\nfunc f(x float64) float64 {\n\treturn x * x\n}\n// EVOLVE-BLOCK-END\n"
	other := strings.Replace(code, "return x * x", "return x + x", 1)

	t.Run("crossover only", func(t *testing.T) {
		reply := research1(t, 3, llm.Parent{NodeID: 1, Code: code}, llm.Parent{NodeID: 2, Code: other})
		name, _, blocks := parseReply(t, reply)
		if got := applyStrict(t, code, blocks); got != other {
			t.Errorf("applied edit = %q, want the second parent's line", got)
		}
		if name != "crossover-1-line" {
			t.Errorf("name = %q, want crossover-1-line", name)
		}
	})
	t.Run("nothing to edit", func(t *testing.T) {
		_, err := NewOffline().Complete(context.Background(), llm.Request{Role: llm.RoleResearcher, Parents: []llm.Parent{{Code: code}, {Code: code}}})
		if !errors.Is(err, ErrNothingToEdit) {
			t.Errorf("err = %v, want ErrNothingToEdit", err)
		}
	})
}

func TestOfflineErrors(t *testing.T) {
	tests := []struct {
		name string
		req  llm.Request
		want error
	}{
		{name: "analyzer role", req: llm.Request{Role: "analyzer", Parents: []llm.Parent{{Code: "x"}}}, want: llm.ErrUnsupportedRole},
		{name: "no parent", req: llm.Request{Role: llm.RoleResearcher}, want: ErrNoParent},
		{name: "no markers", req: llm.Request{Role: llm.RoleResearcher, Parents: []llm.Parent{{Code: "x := 1\n"}}}, want: ErrNoEvolveBlock},
		{name: "unclosed marker", req: llm.Request{Role: llm.RoleResearcher, Parents: []llm.Parent{{Code: "// EVOLVE-BLOCK-START\nx := 1\n"}}}, want: ErrNoEvolveBlock},
		{name: "empty region", req: llm.Request{Role: llm.RoleResearcher, Parents: []llm.Parent{{Code: "// EVOLVE-BLOCK-START\n// EVOLVE-BLOCK-END\nx := 1\n"}}}, want: ErrNoEvolveBlock},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewOffline().Complete(context.Background(), tt.req)
			if !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestOfflineUsage(t *testing.T) {
	req := llm.Request{Role: llm.RoleResearcher, Parents: []llm.Parent{{Code: readTestdata(t, "parent.go.txt")}},
		Messages: []llm.Message{{Role: "user", Content: strings.Repeat("a", 40)}}}
	resp, err := NewOffline().Complete(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	// No model read the prompt or wrote the reply: nothing is counted.
	if diff := cmp.Diff(llm.Usage{}, resp.Usage); diff != "" {
		t.Errorf("usage (-want +got):\n%s", diff)
	}
	if resp.Model != "offline" || resp.Content == "" {
		t.Errorf("model %q, reply %q", resp.Model, resp.Content)
	}
	if cost, ok := llm.MaxCost(NewOffline(), req); !ok || cost != 0 {
		t.Errorf("MaxCost = %v, %v; want 0, true", cost, ok)
	}
}

func TestIsOffline(t *testing.T) {
	rec, err := llm.NewRecorder(NewOffline(), filepath.Join(t.TempDir(), "rec.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	openai, err := llm.NewOpenAI(llm.OpenAIConfig{Model: "gpt-4o"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		p    llm.Provider
		want bool
	}{
		{name: "offline", p: NewOffline(), want: true},
		{name: "recorded offline", p: rec, want: true},
		{name: "openai", p: openai},
		{name: "nil", p: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := llm.IsOffline(tt.p); got != tt.want {
				t.Errorf("IsOffline = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestScanNumbers(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{name: "ints and floats", src: "a := 3 + 0.5*x - 1e-3 + .25 + 2.", want: []string{"3", "0.5", "1e-3", ".25", "2."}},
		{name: "identifiers keep their digits", src: "x2 := vec3(f32_1) + a.b1", want: nil},
		{name: "prefixed and suffixed literals", src: "m := 0x1f + 0b10 + 1_000 + 2i + 1e5f + 10px + 0755", want: nil},
		{name: "line comment", src: "y := 4 // was 5", want: []string{"4"}},
		{name: "hash comment", src: "y = 4  # was 5", want: []string{"4"}},
		{name: "block comment", src: "y := /* 5 */ 4", want: []string{"4"}},
		{name: "strings", src: `s := "v1.2 3" + 'a' + "\"9\"" + 7`, want: []string{"7"}},
		{name: "fields and versions", src: "t.0 + 1.2.3 + 1..4", want: nil},
		{name: "method on int", src: "3.times + 4", want: []string{"4"}},
		{name: "exponent forms", src: "1E+6 2.5e3 7e", want: []string{"1E+6", "2.5e3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, lit := range scanNumbers([]string{tt.src}) {
				got = append(got, lit.Text)
				if tt.src[lit.Start:lit.End] != lit.Text {
					t.Errorf("literal %q at [%d:%d] reads %q", lit.Text, lit.Start, lit.End, tt.src[lit.Start:lit.End])
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("literals (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("multi-line strings and comments", func(t *testing.T) {
		lines := []string{"a = 1", `s = """2`, `3"""`, "/* 4", "5 */ b = 6", "r := `7", "8` + 9"}
		var got []string
		for _, lit := range scanNumbers(lines) {
			got = append(got, fmt.Sprintf("%d:%s", lit.Line, lit.Text))
		}
		if diff := cmp.Diff([]string{"0:1", "4:6", "6:9"}, got); diff != "" {
			t.Errorf("literals (-want +got):\n%s", diff)
		}
	})
}

func TestLineRegions(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		want    []lineRange
		wantErr bool
	}{
		{name: "one", src: "a\n// EVOLVE-BLOCK-START\nb\nc\n// EVOLVE-BLOCK-END\nd", want: []lineRange{{2, 4}}},
		{name: "two", src: "#EVOLVE-BLOCK-START\na\n#EVOLVE-BLOCK-END\n#EVOLVE-BLOCK-START\nb\n#EVOLVE-BLOCK-END", want: []lineRange{{1, 2}, {4, 5}}},
		{name: "none", src: "a\nb"},
		{name: "nested", src: "EVOLVE-BLOCK-START\nEVOLVE-BLOCK-START\nEVOLVE-BLOCK-END", wantErr: true},
		{name: "end first", src: "EVOLVE-BLOCK-END", wantErr: true},
		{name: "unclosed", src: "EVOLVE-BLOCK-START\na", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := lineRegions(tt.src)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(lineRange{})); diff != "" {
				t.Errorf("regions (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFormatFloatLike(t *testing.T) {
	tests := []struct {
		name         string
		orig         string
		nv, sigma    float64
		want         string
		wantUnchange bool
	}{
		{name: "adds a digit to show a small step", orig: "0.5", nv: 0.5093, sigma: 0.01, want: "0.51"},
		{name: "keeps decimals", orig: "0.75", nv: 0.9, sigma: 0.2, want: "0.90"},
		{name: "needs a third decimal", orig: "0.5", nv: 0.5028, sigma: 0.01, want: "0.503"},
		{name: "tiny values", orig: "0.001", nv: 0.00101, sigma: 0.01, want: "0.00101"},
		{name: "exponent style", orig: "1e-3", nv: 0.00121, sigma: 0.2, want: "1.2e-3"},
		{name: "exponent keeps a written plus", orig: "1E+6", nv: 1.02e6, sigma: 0.05, want: "1.02e+6"},
		{name: "exponent drops an unwritten plus", orig: "2.5e3", nv: 2600, sigma: 0.05, want: "2.6e3"},
		{name: "trailing dot gets a decimal", orig: "2.", nv: 2.5, sigma: 0.2, want: "2.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v float64
			fmt.Sscan(tt.orig, &v)
			got, ok := formatFloatLike(tt.orig, v, tt.nv, tt.sigma)
			if !ok || got != tt.want {
				t.Errorf("formatFloatLike(%q, %v) = %q, %v; want %q", tt.orig, tt.nv, got, ok, tt.want)
			}
		})
	}
}

// TestOfflineBundle runs the offline researcher on a program of two files
// whose regions share a line, the whole of train.py's region, so a SEARCH
// text is unique only within its file: each reply must apply with diffs.Apply,
// name its files, leave headers and the read-only file alone, and over
// the seeds reach both files.
func TestOfflineBundle(t *testing.T) {
	files := []bundle.File{
		{Path: "pkg/model.py", Content: "import math\n# EVOLVE-BLOCK-START\nwidth = 8\nlr = 0.1\n# EVOLVE-BLOCK-END\n"},
		{Path: "train.py", Content: "# EVOLVE-BLOCK-START\nlr = 0.1\n# EVOLVE-BLOCK-END\nmain(3)\n"},
		{Path: "README.md", Content: "lr = 0.1\nsteps = 100\n"},
	}
	code, err := bundle.Join(files)
	if err != nil {
		t.Fatal(err)
	}
	donor := strings.ReplaceAll(code, "lr = 0.1", "lr = 0.3")
	edited := map[string]int{}
	named := false
	for seed := range int64(40) {
		parents := []llm.Parent{{NodeID: 1, Code: code}}
		if seed%2 == 1 {
			parents = append(parents, llm.Parent{NodeID: 2, Code: donor})
		}
		r, err := diffs.ParseReply(research1(t, seed, parents...))
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		for _, b := range r.Blocks {
			if b.File != "pkg/model.py" && b.File != "train.py" {
				t.Errorf("seed %d: block names file %q, want a file with a region", seed, b.File)
			}
		}
		got, err := diffs.Apply(code, r.Blocks)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if err := diffs.CheckRewrite(code, got); err != nil {
			t.Fatalf("seed %d: the edit left the regions: %v", seed, err)
		}
		after, err := bundle.Split(got)
		if err != nil || len(after) != len(files) {
			t.Fatalf("seed %d: files after the edit = %+v, %v", seed, after, err)
		}
		for i, f := range after {
			if f.Path != files[i].Path {
				t.Fatalf("seed %d: file %d is %q, want %q", seed, i+1, f.Path, files[i].Path)
			}
			if f.Content != files[i].Content {
				edited[f.Path]++
			}
		}
		named = named || strings.Contains(r.Motivation, "train.py line ")
	}
	for _, f := range files[:2] {
		if edited[f.Path] == 0 {
			t.Errorf("over 40 seeds no edit landed in %s; edits per file: %v", f.Path, edited)
		}
	}
	if edited["README.md"] > 0 {
		t.Errorf("the read-only README.md was edited %d times", edited["README.md"])
	}
	if !named {
		t.Error("no motivation names a line as \"train.py line N\"")
	}
}
