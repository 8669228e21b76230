package redteam

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Run audits ev on t: the library's attacks, then the optimiser (from the
// best valid library attempt), then, with opts.Adversary, the model's
// programs, one evaluation at a time. An attempt is a finding when the
// evaluator finds it valid and it beats t.Bound(). An evaluation that
// could not run is kept on its Attempt (Err); Run stops with an error
// only when ctx is done, the adversary's model fails, or t.Honest is not
// valid (ErrNoHonestProgram). The report holds what ran until then.
func Run(ctx context.Context, ev Evaluator, t Target, opts Options) (Report, error) {
	var rep Report
	rep.Bound, rep.BoundText = t.Bound()
	if !t.Honest.Valid {
		return rep, ErrNoHonestProgram
	}
	r := &runner{ctx: ctx, ev: ev, t: t, opts: opts, rep: &rep}

	var probed any
	if len(t.Honest.Artifacts["stdout"]) == 0 && t.Language == "python" {
		v, err := r.probeShape()
		if err != nil {
			return rep, err
		}
		probed = v
	}
	d, note := deliveryFor(t, probed)
	if note != "" {
		rep.Notes = append(rep.Notes, note)
	}

	// The library; the best valid output attack seeds the optimiser.
	var start Plan
	startScore := t.Honest.Score
	for _, p := range libraryPlans(t, d) {
		a, err := r.evaluate(p.attack)
		if err != nil {
			return rep, err
		}
		// The first of equal scores: the library's order puts the attacks
		// that disable a check (NaN in one group) before the others.
		better := start == nil && !t.worse(a.Outcome.Score, startScore) || t.worse(startScore, a.Outcome.Score)
		if p.plan != nil && a.Err == nil && a.Outcome.Valid && better {
			start, startScore = p.plan, a.Outcome.Score
		}
	}
	if t.Language == "python" {
		r.noteReads()
	} else {
		rep.Notes = append(rep.Notes, fmt.Sprintf("no read-files attack: it is written in Python, the task's programs in %s", t.Language))
	}

	budget := opts.Budget
	if budget == 0 {
		budget = DefaultBudget
	}
	if d != nil && budget > 0 && len(rep.Findings) == 0 {
		if err := optimise(ctx, t, d, start, startScore, budget, opts.Seed, trials{record: r.evaluate, try: r.try, settle: r.settle}); err != nil {
			return rep, err
		}
	}

	if opts.Adversary != nil {
		attacks, note, err := adversaryAttacks(ctx, opts.Adversary, t, rep.Attempts, opts.ModelAttempts, opts.Seed)
		if err != nil {
			return rep, err
		}
		if note != "" {
			rep.Notes = append(rep.Notes, note)
		}
		for _, a := range attacks {
			if _, err := r.evaluate(a); err != nil {
				return rep, err
			}
		}
	}
	return rep, nil
}

type runner struct {
	ctx  context.Context
	ev   Evaluator
	t    Target
	opts Options
	rep  *Report
}

// try runs one attack without recording it. Its error is ctx's, when
// done.
func (r *runner) try(a Attack) (Attempt, error) {
	if err := r.ctx.Err(); err != nil {
		return Attempt{}, err
	}
	out, err := r.ev.Evaluate(r.ctx, a.Code, r.opts.Seed)
	if err != nil && r.ctx.Err() != nil {
		return Attempt{}, r.ctx.Err()
	}
	at := Attempt{Attack: a, Outcome: out, Err: err}
	at.Finding = err == nil && out.Valid && r.t.Beats(out.Score, r.rep.Bound)
	return at, nil
}

// evaluate runs one attack and records it.
func (r *runner) evaluate(a Attack) (Attempt, error) {
	at, err := r.try(a)
	if err != nil {
		return at, err
	}
	if at.Finding {
		r.rep.Findings = append(r.rep.Findings, findingOf(at, r.rep))
	}
	r.rep.Attempts = append(r.rep.Attempts, at)
	if r.opts.Progress != nil {
		r.opts.Progress(len(r.rep.Attempts), at)
	}
	return at, nil
}

// settle replaces the last attempt, a finding, with at, a shorter
// program that is a finding too.
func (r *runner) settle(at Attempt) {
	r.rep.Attempts[len(r.rep.Attempts)-1] = at
	r.rep.Findings[len(r.rep.Findings)-1] = findingOf(at, r.rep)
}

func findingOf(at Attempt, rep *Report) Finding {
	return Finding{
		Attack: at.Attack.Name, Kind: at.Attack.Kind, Description: at.Attack.Description,
		Score: at.Outcome.Score, Bound: rep.Bound, BoundText: rep.BoundText,
		Code: at.Attack.Code, Feedback: at.Outcome.Feedback,
	}
}

// probeShape evaluates the honest program with its functions' outermost
// return value printed to stderr, and reads it back: the structure the
// output attacks change. nil when the evaluator shows no stderr or the
// value does not parse; the library then changes the whole value only.
func (r *runner) probeShape() (any, error) {
	code, err := wrapPython(r.t.Program, nil, true)
	if err != nil {
		return nil, err
	}
	out, err := r.ev.Evaluate(r.ctx, code, r.opts.Seed)
	if err != nil {
		if r.ctx.Err() != nil {
			return nil, r.ctx.Err()
		}
		r.rep.Notes = append(r.rep.Notes, fmt.Sprintf("the shape probe could not run: %v", err))
		return nil, nil
	}
	var last string
	for _, text := range outcomeTexts(out) {
		for _, line := range strings.Split(text, "\n") {
			if _, rest, ok := strings.Cut(line, shapeMarker); ok {
				last = rest
			}
		}
	}
	if last == "" {
		r.rep.Notes = append(r.rep.Notes, "the evaluator shows no stderr, so the output attacks change the whole value the program returns, not its parts")
		return nil, nil
	}
	v, err := parseJSON(strings.TrimSpace(last))
	if err != nil {
		return nil, nil
	}
	return v, nil
}

// outcomeTexts are the places a program's stderr may show.
func outcomeTexts(o Outcome) []string {
	texts := []string{o.Feedback}
	for _, name := range []string{"stderr", "log"} {
		if b, ok := o.Artifacts[name]; ok {
			texts = append(texts, string(b))
		}
	}
	return texts
}

// noteReads says what the read-files attack could read.
func (r *runner) noteReads() {
	for _, a := range r.rep.Attempts {
		if a.Attack.Name != "read-files" {
			continue
		}
		var read []string
		for _, text := range outcomeTexts(a.Outcome) {
			for _, line := range strings.Split(text, "\n") {
				if _, rest, ok := strings.Cut(line, readMarker); ok && !slices.Contains(read, rest) {
					read = append(read, rest)
				}
			}
		}
		if len(read) == 0 {
			r.rep.Notes = append(r.rep.Notes, "read-files: the program reported reading nothing (the evaluator refused it before it ran, or shows no stderr)")
			continue
		}
		r.rep.Notes = append(r.rep.Notes, "read-files: the program could read "+strings.Join(read, "; "))
	}
}
