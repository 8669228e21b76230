package draft

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/asi-evolve/asi/core/redteam"
)

// The checks a draft goes through, in order.
const (
	CheckReply         = "reply"
	CheckStatic        = "static"
	CheckScores        = "initial program scores"
	CheckDeterministic = "two runs agree"
	CheckRejects       = "bad output rejected"
	CheckContained     = "contained"
)

// Check is one check of a draft and what came of it.
type Check struct {
	Name   string
	Passed bool
	// Skipped: the check did not run because an earlier one failed.
	Skipped bool
	// Detail says what was seen: the score, or why the check failed.
	Detail string
}

// Report is every check of one draft.
type Report struct {
	Checks []Check
	// Warnings are worth a look but fail nothing.
	Warnings []string
}

// Passed reports whether every check ran and passed.
func (r Report) Passed() bool {
	if len(r.Checks) == 0 {
		return false
	}
	for _, c := range r.Checks {
		if !c.Passed || c.Skipped {
			return false
		}
	}
	return true
}

// Failed returns the checks that failed.
func (r Report) Failed() []Check {
	var out []Check
	for _, c := range r.Checks {
		if !c.Passed && !c.Skipped {
			out = append(out, c)
		}
	}
	return out
}

// Text is the report as lines of text, for the model and the user.
func (r Report) Text() string {
	var b strings.Builder
	for _, c := range r.Checks {
		status := "passed"
		switch {
		case c.Skipped:
			status = "not run"
		case !c.Passed:
			status = "FAILED"
		}
		fmt.Fprintf(&b, "- %s: %s", c.Name, status)
		if c.Detail != "" {
			fmt.Fprintf(&b, "\n%s", indent(c.Detail, "    "))
		}
		b.WriteString("\n")
	}
	for _, w := range r.Warnings {
		fmt.Fprintf(&b, "- warning: %s\n", w)
	}
	return b.String()
}

func (r *Report) add(c Check) { r.Checks = append(r.Checks, c) }

func (r *Report) skip(names ...string) {
	for _, n := range names {
		r.add(Check{Name: n, Skipped: true, Detail: "an earlier check failed"})
	}
}

// Evaluator is a drafted task started in the sandbox
// (backend.StartEvaluator's); Close stops it.
type Evaluator interface {
	redteam.Evaluator
	Close()
}

// StartFunc starts the task of the campaign file at path, the sandbox's
// random source seeded with randSeed. An error means the task could not
// start (the sandbox or the plugin), not that the draft is bad.
type StartFunc func(ctx context.Context, campaignFile string, randSeed uint64) (Evaluator, error)

// The seeds of the two runs that must agree: both the evaluation's and
// the sandbox's random source differ between them.
const (
	firstSeed  = 1
	secondSeed = 2
)

// checker runs the sandbox checks of one draft.
type checker struct {
	start StartFunc
	file  string // the draft's campaign file
	log   func(format string, args ...any)
	// incidents are what the sandbox contained, from every evaluation.
	incidents []string
}

// CheckDraft checks d, written in the folder of campaignFile: statically,
// then through the task in the sandbox. The error is for a task that
// could not run at all; a bad draft is a report that did not pass.
func CheckDraft(ctx context.Context, campaignFile string, d Draft, start StartFunc, log func(format string, args ...any)) (Report, error) {
	if log == nil {
		log = func(string, ...any) {}
	}
	var rep Report
	static, warnings := staticCheck(d)
	rep.add(static)
	rep.Warnings = warnings
	logCheck(log, static)
	if !static.Passed {
		rep.skip(CheckScores, CheckDeterministic, CheckRejects, CheckContained)
		return rep, nil
	}
	c := &checker{start: start, file: campaignFile, log: log}
	err := c.run(ctx, d, &rep)
	return rep, err
}

func logCheck(log func(string, ...any), c Check) {
	switch {
	case c.Skipped:
		log("  %s: not run", c.Name)
	case c.Passed:
		log("  %s: passed", c.Name)
	default:
		log("  %s: FAILED: %s", c.Name, firstLine(c.Detail))
	}
}

func (c *checker) run(ctx context.Context, d Draft, rep *Report) error {
	first, err := c.start(ctx, c.file, firstSeed)
	if err != nil {
		return fmt.Errorf("start the drafted task: %w", err)
	}
	defer first.Close()
	initial, err := c.evaluate(ctx, first, d.Initial, firstSeed)
	if err != nil {
		return fmt.Errorf("evaluate the initial program: %w", err)
	}
	target := redteam.Target{Language: "python", Primary: d.Meta.Primary, Minimize: d.Meta.Direction == "minimize",
		Program: d.Initial, Honest: initial, KnownBest: d.Meta.KnownBest}
	scores := Check{Name: CheckScores, Passed: initial.Valid}
	switch {
	case !initial.Valid:
		scores.Detail = "the initial program is invalid: " + reason(initial)
	case d.Meta.KnownBest != nil && target.Beats(initial.Score, *d.Meta.KnownBest):
		scores.Passed = false
		scores.Detail = fmt.Sprintf("the initial program scores %s = %.6g, better than the known best %.6g: the evaluator or known_best is wrong",
			d.Meta.Primary, initial.Score, *d.Meta.KnownBest)
	default:
		scores.Detail = fmt.Sprintf("%s = %.6g (%s)", d.Meta.Primary, initial.Score, initial.Wall.Round(time.Millisecond))
	}
	rep.add(scores)
	logCheck(c.log, scores)
	if !scores.Passed {
		rep.skip(CheckDeterministic, CheckRejects)
		c.addContained(rep)
		return nil
	}

	agree, err := c.determinism(ctx, d, initial)
	if err != nil {
		return err
	}
	rep.add(agree.check)
	rep.Warnings = append(rep.Warnings, agree.warnings...)
	logCheck(c.log, agree.check)

	rejects, err := c.probes(ctx, first, target)
	if err != nil {
		return err
	}
	rep.add(rejects)
	logCheck(c.log, rejects)
	c.addContained(rep)
	return nil
}

// evaluate runs one program and notes what the sandbox contained.
func (c *checker) evaluate(ctx context.Context, ev Evaluator, code string, seed int64) (redteam.Outcome, error) {
	start := time.Now()
	out, err := ev.Evaluate(ctx, code, seed)
	if err != nil {
		return out, err
	}
	if out.Wall == 0 {
		out.Wall = time.Since(start)
	}
	if incident := contained(out); incident != "" && !slices.Contains(c.incidents, incident) {
		c.incidents = append(c.incidents, incident)
	}
	return out, nil
}

func (c *checker) addContained(rep *Report) {
	check := Check{Name: CheckContained, Passed: len(c.incidents) == 0,
		Detail: "no evaluation overran its limit, read outside its folder or used the network"}
	if len(c.incidents) > 0 {
		check.Detail = joinLines(c.incidents)
	}
	rep.add(check)
	logCheck(c.log, check)
}

type agreement struct {
	check    Check
	warnings []string
}

// determinism evaluates the initial program a second time, with another
// evaluation seed and another random source in the sandbox, and compares.
func (c *checker) determinism(ctx context.Context, d Draft, first redteam.Outcome) (agreement, error) {
	ev, err := c.start(ctx, c.file, secondSeed)
	if err != nil {
		return agreement{}, fmt.Errorf("start the drafted task again: %w", err)
	}
	defer ev.Close()
	second, err := c.evaluate(ctx, ev, d.Initial, secondSeed)
	if err != nil {
		return agreement{}, fmt.Errorf("evaluate the initial program again: %w", err)
	}
	a := agreement{check: Check{Name: CheckDeterministic, Passed: true,
		Detail: fmt.Sprintf("both runs: %s = %.6g", d.Meta.Primary, first.Score)}}
	switch {
	case !second.Valid:
		a.check.Passed = false
		a.check.Detail = "not deterministic: seed it. The first run was valid, the second, with another random seed, was not: " + reason(second)
	case second.Score != first.Score:
		a.check.Passed = false
		a.check.Detail = fmt.Sprintf("not deterministic: seed it. %s was %v in the first run and %v in the second, with another random seed; "+
			"use random.Random(0) (or another fixed seed) for every random choice, and no clock", d.Meta.Primary, first.Score, second.Score)
	}
	for _, name := range slices.Sorted(maps.Keys(first.Metrics)) {
		if name == d.Meta.Primary {
			continue
		}
		if v, ok := second.Metrics[name]; ok && v != first.Metrics[name] {
			a.warnings = append(a.warnings, fmt.Sprintf("metric %s differs between two runs (%v, %v)", name, first.Metrics[name], v))
		}
	}
	return a, nil
}

// probes runs the bad programs; each must be rejected with the
// evaluator's own error, or at least not rewarded.
func (c *checker) probes(ctx context.Context, ev Evaluator, t redteam.Target) (Check, error) {
	var lines, problems []string
	for _, p := range probes(t) {
		out, err := c.evaluate(ctx, ev, p.Code, firstSeed)
		if err != nil {
			return Check{}, fmt.Errorf("evaluate probe %s: %w", p.Name, err)
		}
		verdict := judgeProbe(t, p, out)
		line := fmt.Sprintf("%s (%s): %s", p.Name, p.Description, verdict.text)
		lines = append(lines, line)
		if !verdict.ok {
			problems = append(problems, line)
		}
	}
	if len(problems) > 0 {
		return Check{Name: CheckRejects, Detail: joinLines(problems)}, nil
	}
	return Check{Name: CheckRejects, Passed: true, Detail: joinLines(lines)}, nil
}

type verdict struct {
	ok   bool
	text string
}

// judgeProbe says whether the evaluator handled a bad program: a crash
// (a traceback from evaluate) or a reward fails; an invalid result with
// the evaluator's own error passes.
func judgeProbe(t redteam.Target, p probe, out redteam.Outcome) verdict {
	honest := t.Honest.Score
	switch {
	case crashed(out):
		return verdict{false, "evaluate raised instead of returning an error: " + lastLine(string(out.Artifacts[tracebackArtifact])) +
			`; catch the failure and return {"combined_score": 0.0, "error": "why"}`}
	case timedOut(out):
		return verdict{false, "the evaluation overran its limit"}
	case out.Valid && t.Beats(out.Score, honest):
		return verdict{false, fmt.Sprintf("rewarded: it scored %.6g, better than the initial program's %.6g", out.Score, honest)}
	case out.Valid && t.KnownBest != nil && t.Beats(out.Score, *t.KnownBest):
		return verdict{false, fmt.Sprintf("rewarded: it scored %.6g, better than the known best %.6g", out.Score, *t.KnownBest)}
	case out.Valid && p.mustReject:
		return verdict{false, fmt.Sprintf(`accepted with %.6g; return {"combined_score": 0.0, "error": "why"} for it`, out.Score)}
	case out.Valid:
		return verdict{true, fmt.Sprintf("scored %.6g, no better than the initial program", out.Score)}
	}
	return verdict{true, "rejected: " + firstLine(out.Feedback)}
}

// tracebackArtifact is where the script task keeps the traceback of an
// evaluator that raised; an evaluator that returns an error has none.
const tracebackArtifact = "traceback"

func crashed(out redteam.Outcome) bool { return len(out.Artifacts[tracebackArtifact]) > 0 }

// timedOut: the script task's wasm runs say "timeout" when the sandbox
// stopped them; the engine's deadline sets TimedOut.
func timedOut(out redteam.Outcome) bool {
	return out.TimedOut || strings.Contains(out.Feedback, "(timeout:")
}

// contained names what the sandbox stopped the evaluation from doing, or
// "" when nothing.
func contained(out redteam.Outcome) string {
	text := out.Feedback + "\n" + string(out.Artifacts[tracebackArtifact])
	switch {
	case timedOut(out):
		return "an evaluation overran its time limit and was stopped: " + firstLine(out.Feedback) +
			"; evaluate must finish well within the limit"
	case strings.Contains(text, "socket") || strings.Contains(text, "getaddrinfo"):
		return "an evaluation tried the network and failed: the sandbox has none (" + lastMatching(text, "socket", "getaddrinfo") +
			"); an evaluator uses no network"
	case outsidePath.MatchString(text):
		return "an evaluation tried a file outside its folder and the sandbox refused: " + lastMatching(text, "Error") +
			"; an evaluator reads only its own folder"
	}
	return ""
}

// outsidePath is a refused open of a path outside the job's folder, as
// CPython on WASI reports it.
var outsidePath = regexp.MustCompile(`(?:PermissionError|FileNotFoundError|OSError).*'(?:/|\.\./|~)`)

// reason is why an outcome is invalid, in a few lines: the evaluator's
// feedback and the end of its traceback.
func reason(out redteam.Outcome) string {
	text := lastLines(strings.TrimSpace(out.Feedback), 12)
	if tb := strings.TrimSpace(string(out.Artifacts[tracebackArtifact])); tb != "" && !strings.Contains(text, lastLine(tb)) {
		text += "\n" + lastLines(tb, 8)
	}
	if text == "" {
		text = "the evaluator said nothing"
	}
	return text
}
