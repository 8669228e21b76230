package redteam

import (
	"context"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"
)

func mustParse(t *testing.T, text string) any {
	t.Helper()
	v, err := parseJSON(text)
	if err != nil {
		t.Fatalf("parse %s: %v", text, err)
	}
	return v
}

func TestPlanApply(t *testing.T) {
	const packing = `{"centers": [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], "radii": [0.1, 0.2, 0.3]}`
	tests := []struct {
		name  string
		value string
		plan  Plan
		want  string
	}{
		{"unchanged", packing, nil, packing},
		{"nan-all", packing, Plan{{Path: "$", Op: OpSet, Value: math.NaN()}},
			`{"centers": [[NaN, NaN], [NaN, NaN], [NaN, NaN]], "radii": [NaN, NaN, NaN]}`},
		{"one column", packing, Plan{{Path: "centers[*][0]", Op: OpSet, Value: math.Inf(1)}},
			`{"centers": [[Infinity, 0.2], [Infinity, 0.4], [Infinity, 0.6]], "radii": [0.1, 0.2, 0.3]}`},
		{"one item", packing, Plan{{Path: "radii[1]", Op: OpScale, Value: 10}},
			`{"centers": [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], "radii": [0.1, 2, 0.3]}`},
		{"halve at the root passes to the lists", packing, Plan{{Path: "$", Op: OpHalve}},
			`{"centers": [[0.1, 0.2]], "radii": [0.1]}`},
		{"collapse", packing, Plan{{Path: "centers", Op: OpCollapse}, {Path: "radii", Op: OpCollapse}},
			`{"centers": [[0.1, 0.2], [0.1, 0.2], [0.1, 0.2]], "radii": [0.1, 0.1, 0.1]}`},
		{"double and more", `[[1, 2], [3]]`, Plan{{Path: "[0]", Op: OpDouble}, {Path: "[1]", Op: OpMore}},
			`[[1, 2, 1, 2], [3, 3]]`},
		{"fewer and clear", `[[1, 2], [3]]`, Plan{{Path: "[0]", Op: OpFewer}, {Path: "[1]", Op: OpClear}},
			`[[1], []]`},
		{"empty", packing, Plan{{Path: "$", Op: OpEmpty}}, `null`},
		{"self score", `{"a": [{"b": 1}]}`, Plan{{Path: "$", Op: OpSelfScore, Value: 5}},
			`{"a": [{"b": 1, "score": 5, "combined_score": 5, "eval_score": 5, "sum": 5, "total": 5, "valid": true}], "score": 5, "combined_score": 5, "eval_score": 5, "sum": 5, "total": 5, "valid": true}`},
		{"a path that matches nothing", packing, Plan{{Path: "nothing[*]", Op: OpSet, Value: 0}, {Path: "radii[9]", Op: OpSet, Value: 0}}, packing},
		{"add then scale, in order", `[1, 2]`, Plan{{Path: "$", Op: OpAdd, Value: 1}, {Path: "[*]", Op: OpScale, Value: 2}}, `[4, 6]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			value := mustParse(t, tt.value)
			before := renderJSON(value)
			got, err := tt.plan.Apply(value)
			if err != nil {
				t.Fatal(err)
			}
			if g, w := renderJSON(got), renderJSON(mustParse(t, tt.want)); g != w {
				t.Errorf("got  %s\nwant %s", g, w)
			}
			if renderJSON(value) != before {
				t.Errorf("Apply changed its input: %s", renderJSON(value))
			}
		})
	}
}

func TestPlanRejectsBadPaths(t *testing.T) {
	for _, path := range []string{"radii[", "radii[x]", "[-1]", "a..b", "a b"} {
		if _, err := (Plan{{Path: path, Op: OpSet}}).Apply(1.0); err == nil {
			t.Errorf("path %q: no error", path)
		}
	}
	if _, err := (Plan{{Path: "$", Op: "explode"}}).Apply(1.0); err == nil {
		t.Error("unknown operation: no error")
	}
}

func TestTextOutputKeepsItsLayout(t *testing.T) {
	const text = "circle 0: 0.5 0.5 r=0.25\ncircle 1: 0.1 0.9 r=0.05\n"
	out := parseOutput(text)
	if out.json {
		t.Fatal("text taken for JSON")
	}
	if got := out.render(out.value); got != "circle 0: 0.5 0.5 r=0.25\ncircle 1: 0.1 0.9 r=0.05\n" {
		t.Errorf("unchanged render: %q", got)
	}
	sh := shapeOf(out.value)
	if !slices.Contains(sh.groups, "[*][3]") {
		t.Errorf("groups %v lack the radius column", sh.groups)
	}
	v, err := Plan{{Path: "[*][3]", Op: OpScale, Value: 2}, {Path: "$", Op: OpMore}}.Apply(out.value)
	if err != nil {
		t.Fatal(err)
	}
	want := "circle 0: 0.5 0.5 r=0.5\ncircle 1: 0.1 0.9 r=0.1\ncircle 1: 0.1 0.9 r=0.1\n"
	if got := out.render(v); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestShapeFindsGroupsAndItemLists(t *testing.T) {
	tests := []struct {
		name         string
		value        string
		groups, list []string
	}{
		{"object of lists", `{"centers": [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6], [0.7, 0.8], [0.9, 0.1]], "radii": [1, 2, 3, 4, 5]}`,
			[]string{"centers", "centers[*][0]", "centers[*][1]", "radii[*]"}, []string{"centers", "radii"}},
		{"a short list of pairs", `{"centers": [[0.1, 0.2], [0.3, 0.4]], "radii": [1, 2]}`,
			[]string{"centers", "centers[*][0]", "centers[*][1]", "radii[*]"}, []string{"centers", "radii"}},
		{"tuple of lists", `[[[0.1, 0.2], [0.3, 0.4], [0.5, 0.6], [0.7, 0.8], [0.9, 0.1]], [1, 2, 3, 4, 5]]`,
			[]string{"[0]", "[0][*][0]", "[0][*][1]", "[1][*]"}, []string{"[0]", "[1]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sh := shapeOf(mustParse(t, tt.value))
			if !slices.Equal(sh.groups, tt.groups) || !slices.Equal(sh.lists, tt.list) {
				t.Errorf("got groups %v lists %v, want %v %v", sh.groups, sh.lists, tt.groups, tt.list)
			}
		})
	}
}

func TestPrintProgramsQuoteEverything(t *testing.T) {
	const text = "a \"quoted\" \\ line?\twith\x01 é\n"
	for lang, want := range map[string]string{
		"go": `os.Stdout.WriteString("a \"quoted\" \\ line?\twith\x01 é\n")`,
		"c":  `fputs("a \"quoted\" \\ line\077\011with\001 \303\251\n", stdout)`,
	} {
		code, err := printProgram(lang, text)
		if err != nil || !strings.Contains(code, want) {
			t.Errorf("%s: %v\n%s\nwant it to hold %s", lang, err, code, want)
		}
	}
	if _, err := printProgram("cobol", text); err == nil {
		t.Error("cobol: no error")
	}
}

// packingEvaluator scores the programs printed delivery writes for Python
// (a literal printed with sys.stdout.write), in process, as a circle
// packing evaluator with the NaN hole does: comparisons that NaN passes.
// It reads the literal; it runs nothing.
type packingEvaluator struct{ calls int }

func (e *packingEvaluator) Evaluate(ctx context.Context, code string, seed int64) (Outcome, error) {
	e.calls++
	_, lit, ok := strings.Cut(code, "sys.stdout.write(")
	if !ok {
		return Outcome{Feedback: "not a printing program"}, nil
	}
	var text string
	if err := json.Unmarshal([]byte(strings.TrimSuffix(strings.TrimSpace(lit), ")")), &text); err != nil {
		return Outcome{Feedback: "bad literal"}, nil
	}
	v, err := parseJSON(strings.TrimSpace(text))
	if err != nil {
		return Outcome{Feedback: "not JSON"}, nil
	}
	o, ok := v.(*object)
	if !ok {
		return Outcome{}, nil
	}
	centers, _ := o.values["centers"].([]any)
	radii, _ := o.values["radii"].([]any)
	if len(centers) != 3 || len(radii) != 3 {
		return Outcome{Feedback: "want 3 circles"}, nil
	}
	sum := 0.0
	for i := range 3 {
		c, _ := centers[i].([]any)
		r, _ := radii[i].(float64)
		if len(c) != 2 {
			return Outcome{}, nil
		}
		x, _ := c[0].(float64)
		y, _ := c[1].(float64)
		if r < 0 || x-r < 0 || x+r > 1 || y-r < 0 || y+r > 1 {
			return Outcome{Feedback: "outside"}, nil
		}
		sum += r
	}
	if math.IsNaN(sum) || math.IsInf(sum, 0) {
		return Outcome{}, nil
	}
	return Outcome{Valid: true, Score: sum}, nil
}

func packingTarget(ev Evaluator) Target {
	stdout := `{"centers": [[0.2, 0.2], [0.5, 0.5], [0.8, 0.8]], "radii": [0.1, 0.1, 0.1]}` + "\n"
	honest, _ := ev.Evaluate(context.Background(), "import sys\nsys.stdout.write("+pythonString(stdout)+")\n", 0)
	honest.Artifacts = map[string][]byte{"stdout": []byte(stdout)}
	known := 1.0
	return Target{Language: "python", Primary: "sum", Program: "print('honest')\n", Honest: honest, KnownBest: &known}
}

func TestRunFindsANaNHoleThroughTheOptimiser(t *testing.T) {
	ev := &packingEvaluator{}
	target := packingTarget(ev)
	if !target.Honest.Valid || target.Honest.Score != 0.30000000000000004 && math.Abs(target.Honest.Score-0.3) > 1e-9 {
		t.Fatalf("honest outcome %+v", target.Honest)
	}
	rep, err := Run(context.Background(), ev, target, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) == 0 {
		t.Fatalf("no finding in %d attempts", len(rep.Attempts))
	}
	f := rep.Findings[0]
	if f.Kind != KindOptimiser || !strings.Contains(f.Description, "NaN") {
		t.Errorf("finding %s (%s): %s; want the optimiser's, through NaN centres", f.Attack, f.Kind, f.Description)
	}
	for _, a := range rep.Attempts {
		if a.Attack.Kind == KindLibrary && a.Finding {
			t.Errorf("library attack %s found the hole alone", a.Attack.Name)
		}
	}
	t.Logf("found by %s after %d evaluations: %s", f.Attack, ev.calls, f.Description)
	// Shortened to what it needs: NaN centres and bigger circles.
	if changes := strings.Count(f.Description, ";"); changes > 3 {
		t.Errorf("the finding's plan has %d changes, not shortened: %s", changes, f.Description)
	}
	if last := rep.Attempts[len(rep.Attempts)-1]; last.Attack.Code != f.Code || !last.Finding || last.Outcome.Score != f.Score {
		t.Errorf("the last attempt %s is not the finding settled in its place", last.Attack.Description)
	}

	// Deterministic from the seed.
	again, err := Run(context.Background(), &packingEvaluator{}, target, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Attempts) != len(rep.Attempts) || again.Findings[0].Description != f.Description {
		t.Errorf("a second run differs: %d attempts, %q", len(again.Attempts), again.Findings[0].Description)
	}
}

// TestOptimiserKeepsNeutralMoves starts the optimiser from the honest
// output: NaN centres score no better, and only after them may the radii
// grow, so a climber that keeps only improvements never gets there.
func TestOptimiserKeepsNeutralMoves(t *testing.T) {
	ev := &packingEvaluator{}
	target := packingTarget(ev)
	d, note := deliveryFor(target, nil)
	if d == nil {
		t.Fatal(note)
	}
	var found *Attempt
	try := func(a Attack) (Attempt, error) {
		out, err := ev.Evaluate(context.Background(), a.Code, 1)
		return Attempt{Attack: a, Outcome: out, Err: err, Finding: out.Valid && target.Beats(out.Score, *target.KnownBest)}, nil
	}
	record := func(a Attack) (Attempt, error) {
		at, err := try(a)
		if at.Finding {
			found = &at
		}
		return at, err
	}
	settle := func(at Attempt) { found = &at }
	err := optimise(context.Background(), target, d, nil, target.Honest.Score, 300, 1, trials{record: record, try: try, settle: settle})
	if err != nil {
		t.Fatal(err)
	}
	if found == nil {
		t.Fatalf("no finding in %d evaluations", ev.calls)
	}
	t.Logf("found after %d evaluations: %s", ev.calls, found.Attack.Description)
}

func TestOptimiserStopsAtItsBudget(t *testing.T) {
	ev := &packingEvaluator{}
	target := packingTarget(ev)
	target.KnownBest = nil // the margin rule: nothing honest-looking beats 0.45 here
	lib := len(Library(target))
	rep, err := Run(context.Background(), ev, target, Options{Seed: 3, Budget: 7})
	if err != nil {
		t.Fatal(err)
	}
	var optimised int
	for _, a := range rep.Attempts {
		if a.Attack.Kind == KindOptimiser {
			optimised++
		}
	}
	if len(rep.Findings) == 0 && optimised != 7 {
		t.Errorf("%d optimiser attempts, want the budget, 7", optimised)
	}
	if len(rep.Attempts)-optimised != lib {
		t.Errorf("%d library attempts, want %d", len(rep.Attempts)-optimised, lib)
	}
	rep, err = Run(context.Background(), &packingEvaluator{}, target, Options{Seed: 3, Budget: -1})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Attempts) != lib {
		t.Errorf("budget -1: %d attempts, want the library's %d", len(rep.Attempts), lib)
	}
}

func TestRunRefusesAnInvalidHonestProgram(t *testing.T) {
	_, err := Run(context.Background(), &packingEvaluator{}, Target{Language: "python"}, Options{})
	if err != ErrNoHonestProgram {
		t.Fatalf("got %v, want ErrNoHonestProgram", err)
	}
}

// failing fails every evaluation after the first n.
type failing struct {
	inner Evaluator
	n     int
}

func (f *failing) Evaluate(ctx context.Context, code string, seed int64) (Outcome, error) {
	if f.n <= 0 {
		return Outcome{}, errBroken
	}
	f.n--
	return f.inner.Evaluate(ctx, code, seed)
}

var errBroken = &brokenError{}

type brokenError struct{}

func (*brokenError) Error() string { return "the plugin is gone" }

func TestEvaluationErrorsAreKeptNotFatal(t *testing.T) {
	target := packingTarget(&packingEvaluator{})
	var told []int
	progress := func(done int, a Attempt) { told = append(told, done) }
	rep, err := Run(context.Background(), &failing{inner: &packingEvaluator{}, n: 2}, target, Options{Budget: 3, Progress: progress})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(told) != len(rep.Attempts) || told[len(told)-1] != len(rep.Attempts) {
		t.Errorf("progress told %v for %d attempts", told, len(rep.Attempts))
	}
	var failed int
	for _, a := range rep.Attempts {
		if a.Err != nil {
			failed++
		}
	}
	if failed == 0 || failed != len(rep.Attempts)-2 {
		t.Errorf("%d of %d attempts kept an error, want all but 2", failed, len(rep.Attempts))
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, &packingEvaluator{}, target, Options{}); err == nil {
		t.Error("a cancelled context: no error")
	}
}

// FuzzParseOutput: whatever a program prints, reading it never panics,
// and an unchanged value prints back as something that reads the same.
func FuzzParseOutput(f *testing.F) {
	for _, s := range []string{
		`{"centers": [[0.1, 0.2]], "radii": [0.1]}`, "1 2 3\n4 5 6\n", "", "NaN", `[1, -Infinity, "x\"y"]`,
		`{"a": {"b": [true, false, null]}}`, "x=1e309 y=.5\n", `{"a": 1,}`, `"\u00e9\/"`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		out := parseOutput(text)
		again := parseOutput(out.render(out.value))
		if out.json && renderJSON(again.value) != renderJSON(out.value) {
			t.Errorf("%q: printed back it reads %s, not %s", text, renderJSON(again.value), renderJSON(out.value))
		}
		shapeOf(out.value)
		for _, op := range []string{OpHalve, OpDouble, OpCollapse, OpMore, OpFewer, OpClear, OpEmpty, OpSelfScore} {
			if _, err := (Plan{{Path: "$", Op: op}}).Apply(out.value); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// FuzzParsePrograms: a model's reply never panics the parser, and every
// program it returns is a fenced block's non-empty body.
func FuzzParsePrograms(f *testing.F) {
	for _, s := range []string{
		"```python\nprint(1)\n```", "no code here", "```\n```", "```go\npackage main\n", "a ``` b ``` c", "```python\nx\n```\n```python\ny\n```\n```python\nz\n```",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, reply string) {
		programs := parsePrograms(reply, 2)
		if len(programs) > 2 {
			t.Errorf("%d programs, want at most 2", len(programs))
		}
		for _, p := range programs {
			if strings.TrimSpace(p) == "" || !strings.Contains(reply, strings.TrimSuffix(p, "\n")) {
				t.Errorf("program %q is not a block of %q", p, reply)
			}
		}
	})
}

func TestProbesAreTheRejectionChecks(t *testing.T) {
	want := []string{"empty-program", "garbage", "nan-all", "inf-all", "huge-all", "empty-output"}
	tests := []struct {
		name   string
		target Target
	}{
		{"a python module", Target{Language: "python", Program: "def f():\n    return [1, 2]\n", Honest: Outcome{Valid: true}}},
		{"a go program that prints", Target{Language: "go", Program: "package main\n", Honest: Outcome{Valid: true, Artifacts: map[string][]byte{"stdout": []byte("1 2 3\n")}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, a := range Probes(tt.target) {
				got = append(got, a.Name)
				if a.Kind != KindLibrary {
					t.Errorf("%s: kind %s", a.Name, a.Kind)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
	// A language the audit cannot print in: the text attacks only.
	cobol := Target{Language: "cobol", Honest: Outcome{Valid: true, Artifacts: map[string][]byte{"stdout": []byte("1\n")}}}
	if got := Probes(cobol); len(got) != 2 {
		t.Errorf("cobol: %d probes, want empty-program and garbage", len(got))
	}
}

func TestRunNotesWhatItCannotAttack(t *testing.T) {
	cobol := Target{Language: "cobol", Program: "DISPLAY 1.\n", Honest: Outcome{Valid: true, Score: 1, Artifacts: map[string][]byte{"stdout": []byte("1\n")}}}
	rep, err := Run(context.Background(), &packingEvaluator{}, cobol, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Attempts) != 3 {
		t.Errorf("%d attempts, want the 3 text attacks", len(rep.Attempts))
	}
	notes := strings.Join(rep.Notes, "\n")
	for _, want := range []string{"no output attacks", "cobol", "no read-files attack"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
}
