package engine

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"go/parser"
	"go/scanner"
	"go/token"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/asi-evolve/asi/cognition"
	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/store"
)

func TestCodeKey(t *testing.T) {
	tests := []struct {
		name     string
		language string
		a, b     string
		same     bool
	}{
		{"go: spacing between tokens", "go", "x := a + b*c\n", "x:=a+b * c\n", true},
		{"go: comments and blank lines", "go", "// a\nx := 1 // b\n\n/* c */ y := 2\n", "x := 1\ny := 2\n", true},
		{"go: line endings and indentation", "go", "func f() {\n\treturn 1\n}\n", "func f() {\r\n    return 1\r\n}", true},
		{"go: a changed constant", "go", "x := 0.25\n", "x := 0.26\n", false},
		{"go: words stay apart", "go", "return x\n", "returnx\n", false},
		{"go: operators stay apart", "go", "a := b - -c\n", "a := b --c\n", false},
		{"go: spacing inside a string", "go", `s := "a  b"` + "\n", `s := "a b"` + "\n", false},
		{"go: comment marks inside a string", "go", `s := "// not a comment"` + "\n", `s := ""` + "\n", false},
		{"go: raw string", "go", "s := `a\n  // b`\n", "s := `a\n// b`\n", false},
		{"c: block comment between words", "c", "int/**/x;", "int x;", true},
		{"javascript: template literal", "javascript", "let s = `a // b`;", "let s = `a`;", false},
		{"python: comments and spacing", "python", "def f(a, b):  # sum\n    return a+b\n\n", "def f(a,b):\n    return a + b\n", true},
		{"python: indentation is meaning", "python", "if x:\n    a()\n    b()\n", "if x:\n    a()\nb()\n", false},
		{"python: lines join inside brackets", "python", "f(a,\n  b)\n", "f(a, b)\n", true},
		{"python: hash inside a string", "python", "s = '# x'\n", "s = ''\n", false},
		{"python: triple-quoted string", "python", "s = \"\"\"a\n# b\"\"\"\n", "s = \"\"\"a\n\"\"\"\n", false},
		{"other language: trailing spaces and blank lines", "wasm", "a  b \n\n", "a  b\n", true},
		{"other language: inner spacing kept", "wasm", "a  b\n", "a b\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if same := codeKey(tt.language, tt.a) == codeKey(tt.language, tt.b); same != tt.same {
				t.Errorf("same key = %v, want %v\n%q\n%q", same, tt.same, normalizeCode(tt.language, tt.a), normalizeCode(tt.language, tt.b))
			}
		})
	}
}

// runNode is one node of the fixture: the first 53 nodes of an offline
// circle-packing run (see TestNoveltyOnARealRun).
type runNode struct {
	ID      int64   `json:"id"`
	Parents []int64 `json:"parents"`
	Name    string  `json:"name"`
	Code    string  `json:"code"`
}

func readRun(t *testing.T, path string) []runNode {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var nodes []runNode
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var n runNode
		if err := json.Unmarshal(sc.Bytes(), &n); err != nil {
			t.Fatal(err)
		}
		nodes = append(nodes, n)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return nodes
}

// noveltyIndex is the novelty check's index of stored code.
func noveltyIndex(nv *Novelty, language string) *codeIndex {
	return newCodeIndex(nv, language)
}

// TestNoveltyOnARealRun runs the novelty check a `novelty {}` block gives
// over real edits. testdata/novelty-circle-packing.jsonl is the first 53
// nodes of an offline run, made with
//
//	make build
//	bin/asi apply -state .asi/novelty-demo -steps 80 hcl-examples/circle-packing.hcl
//	bin/asi export -state .asi/novelty-demo -format jsonl | jq -c 'select(.id <= 53) | {id,parents,name,code}'
//
// They are the initial program, 50 distinct child programs and 2 children
// that repeat an earlier node exactly. Each node is checked against the
// nodes before it, as the engine does. Every distinct program is also
// offered again as it is, with its spacing changed and with its comments
// replaced: each must be caught. The check with the offline embedder at
// threshold 0.98 (the old default) is measured beside it.
func TestNoveltyOnARealRun(t *testing.T) {
	ctx := context.Background()
	run := readRun(t, "testdata/novelty-circle-packing.jsonl")

	// replay checks the run's nodes in order and returns the distinct
	// children flagged, the lowest similarity of a distinct child to its
	// nearest earlier node and, for each exact repeat, the node it was
	// matched to.
	replay := func(nv *Novelty) (flagged []int64, lowest float64, repeats map[int64]int64, distinct []runNode) {
		e := noveltyIndex(nv, "go")
		seen := map[string]int64{}
		repeats = map[int64]int64{}
		lowest = 1
		for i, n := range run {
			if i > 0 {
				id, sim, _, ok := e.twin(ctx, n.Code)
				if first, dup := seen[n.Code]; dup {
					if ok {
						repeats[n.ID] = id
					}
					if first != id {
						t.Errorf("node %d repeats node %d, matched to node %d", n.ID, first, id)
					}
				} else {
					distinct = append(distinct, n)
					lowest = min(lowest, sim)
					if ok {
						flagged = append(flagged, n.ID)
					}
				}
			}
			if _, dup := seen[n.Code]; !dup {
				seen[n.Code] = n.ID
			}
			e.addVector(ctx, store.Node{ID: n.ID, Code: n.Code})
		}
		return flagged, lowest, repeats, distinct
	}

	shipped := &Novelty{} // what `novelty {}` gives (core/command's researchConfig)
	flagged, _, repeats, distinct := replay(shipped)
	if len(distinct) != 50 || len(run)-1-len(distinct) != 2 {
		t.Fatalf("fixture: %d distinct children and %d repeats, want 50 and 2", len(distinct), len(run)-1-len(distinct))
	}
	if rate := float64(len(flagged)) / float64(len(distinct)); rate >= 0.02 {
		t.Errorf("default check flags %d of %d distinct edits (%.1f%%), want under 2%%: nodes %v", len(flagged), len(distinct), 100*rate, flagged)
	}
	if want := map[int64]int64{12: 6, 38: 28}; fmt.Sprint(repeats) != fmt.Sprint(want) {
		t.Errorf("repeats caught %v, want %v", repeats, want)
	}

	// Exact copies, spacing variants and comment variants of every distinct
	// program (the initial one included), offered after the whole run.
	e := noveltyIndex(shipped, "go")
	for _, n := range run {
		e.addVector(ctx, store.Node{ID: n.ID, Code: n.Code})
	}
	programs := append([]runNode{run[0]}, distinct...)
	variants := []struct {
		name   string
		change func(string) string
	}{
		{"exact copy", func(s string) string { return s }},
		{"spacing changed", func(s string) string { return rewriteGo(t, s, true, "") }},
		{"comments replaced", func(s string) string { return rewriteGo(t, s, false, "// checked") }},
	}
	caught := map[string]int{}
	for _, v := range variants {
		for _, p := range programs {
			code := v.change(p.Code)
			if v.name != "exact copy" && code == p.Code {
				t.Fatalf("%s: node %d unchanged", v.name, p.ID)
			}
			if _, err := parser.ParseFile(token.NewFileSet(), "", code, 0); err != nil {
				t.Fatalf("%s of node %d is not Go: %v", v.name, p.ID, err)
			}
			id, sim, exact, ok := e.twin(ctx, code)
			if ok && exact && sim == 1 && id == p.ID {
				caught[v.name]++
			} else {
				t.Errorf("%s of node %d: twin %d (exact %v, found %v)", v.name, p.ID, id, exact, ok)
			}
		}
	}
	t.Logf("default (programs compared without comments and spacing): %d of %d distinct edits flagged; repeats caught %d of 2; exact copies %d, spacing variants %d, comment variants %d of %d",
		len(flagged), len(distinct), len(repeats), caught["exact copy"], caught["spacing changed"], caught["comments replaced"], len(programs))

	// The offline (hashing) embedder at 0.98, the default before: every
	// distinct edit is within 0.98 of an earlier node, so no threshold it
	// allows tells them apart. docs/campaign-reference.md publishes both.
	hashed, lowest, hashedRepeats, _ := replay(&Novelty{Embedder: cognition.NewOffline(0), Threshold: 0.98})
	t.Logf("offline embedder at threshold 0.98: %d of %d distinct edits flagged; lowest similarity to the nearest earlier node %.4f", len(hashed), len(distinct), lowest)
	if len(hashed) != 50 || math.Abs(lowest-0.9979) > 0.00005 || len(hashedRepeats) != 2 {
		t.Errorf("offline embedder at 0.98: %d of %d distinct edits flagged, lowest similarity %.5f, %d repeats caught; docs/campaign-reference.md says 50, 0.9979 and 2", len(hashed), len(distinct), lowest, len(hashedRepeats))
	}
}

// rewriteGo rebuilds Go source from its tokens: one space between tokens
// on a line, no indentation and no blank lines when respace is set; its
// comments dropped and comment added at the end of every line when comment
// is not empty. The program means the same.
func rewriteGo(t *testing.T, src string, respace bool, comment string) string {
	t.Helper()
	fset := token.NewFileSet()
	file := fset.AddFile("p.go", -1, len(src))
	var s scanner.Scanner
	s.Init(file, []byte(src), func(pos token.Position, msg string) { t.Fatalf("%s: %s", pos, msg) }, scanner.ScanComments)
	var b strings.Builder
	prevEnd, prevOff := 1, 0
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		if tok == token.SEMICOLON && lit == "\n" {
			continue // inserted by the scanner at a line end
		}
		text := lit
		if text == "" {
			text = tok.String()
		}
		off := file.Offset(pos)
		line := file.Line(pos)
		switch {
		case tok == token.COMMENT && comment != "":
			prevOff = off + len(text)
			continue
		case b.Len() == 0:
		case line > prevEnd:
			if comment != "" {
				b.WriteString(" " + comment)
			}
			if respace {
				b.WriteString("\n")
			} else {
				// the original spacing between the lines
				gap := src[prevOff:off]
				b.WriteString(gap[max(strings.IndexByte(gap, '\n'), 0):])
			}
		case respace:
			b.WriteString(" ")
		default:
			b.WriteString(src[prevOff:off])
		}
		b.WriteString(text)
		prevEnd, prevOff = line+strings.Count(text, "\n"), off+len(text)
	}
	if comment != "" {
		b.WriteString(" " + comment)
	}
	b.WriteString("\n")
	return b.String()
}

// repeater echoes its parent with a comment added, unless told it repeats
// itself: then it proposes value 1000.
type repeater struct{}

func (repeater) Name() string { return "repeater" }
func (repeater) Complete(_ context.Context, req llm.Request) (llm.Response, error) {
	if strings.Contains(req.Messages[0].Content, "nearly the same") {
		return llm.Response{Content: "<name>new</name>\n<motivation>a new idea</motivation>\n<diff>\n<<<<<<< SEARCH\nvalue = 1\n=======\nvalue = 1000\n>>>>>>> REPLACE\n</diff>\n"}, nil
	}
	return llm.Response{Content: "<name>same</name>\n<motivation>the same again</motivation>\n<diff>\n<<<<<<< SEARCH\nvalue = 1\n=======\nvalue  =  1 // unchanged\n>>>>>>> REPLACE\n</diff>\n"}, nil
}

func TestNoveltyDefaultInTheEngine(t *testing.T) {
	tests := []struct {
		name       string
		researcher llm.Provider
		wantValue  float64
		wantCount  int
	}{
		{"a repeat with a comment added is sent back", repeater{}, 1000, 1},
		{"a changed constant goes through", &twinMaker{}, 2, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openStore(t)
			e := newEngine(t, st, &numberTask{}, tt.researcher, func(c *Config) {
				c.Budget.Steps, c.Workers = 1, 1
				c.Novelty = &Novelty{}
			})
			sum, err := e.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			nodes := checkSteps(t, st, 1)
			if nodes[1].Score != tt.wantValue || sum.Counters.NoveltyRejections != tt.wantCount {
				t.Fatalf("score %v, rejections %d; want %v, %d", nodes[1].Score, sum.Counters.NoveltyRejections, tt.wantValue, tt.wantCount)
			}
		})
	}
}
