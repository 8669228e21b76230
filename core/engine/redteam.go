package engine

import (
	"context"
	"errors"
	"fmt"

	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/redteam"
	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/core/task"
)

// RedteamAudit attacks the task's evaluator from the best node: in the
// audit's pass (whenever a new best node is stored, and once when a run
// ends), the best valid node not yet attacked is attacked once with
// redteam.Run, through the task's public stages. Its findings (attacks
// the evaluator scores valid and past the bound) are stored with a
// store.EventRedteam event; a pass that finds nothing stores the event
// alone, so a resumed campaign does not attack the node again. A pass
// that cannot finish (the adversary's model fails) is a warning event and
// is tried again at the next pass; it never stops the campaign.
type RedteamAudit struct {
	// Budget is the optimiser's evaluations per pass (redteam.Options).
	Budget int
	// Margin is how far past the attacked node's score, relative, an
	// attack must score to be a finding when KnownBest is nil; 0 uses
	// redteam.DefaultMargin.
	Margin    float64
	KnownBest *float64
	// Adversary, when set, writes task-specific hack programs; its calls
	// are booked and recorded like the other roles', under the attacked
	// node's step.
	Adversary llm.Provider
	// EvaluatorSource is what the adversary reads of the evaluator; ""
	// when the task's evaluator is not a file.
	EvaluatorSource string
	// ErrDeadline is the task's error for an evaluation that overran its
	// deadline: such an attack is invalid, not a broken evaluation.
	ErrDeadline error
}

// redteamNode is the NodeID the red team's evaluations give the task: no
// stored node has it, so an attack never stands for one in the task's
// logs or jobs.
const redteamNode = 0

// redteamPass attacks the best valid node when it was not attacked yet;
// step is the step the pass runs at. It runs inside the audit's pass, so
// one pass at a time and no lock held.
func (e *Engine) redteamPass(ctx context.Context, step int64) {
	rt := e.cfg.Audit.Redteam
	if rt == nil || ctx.Err() != nil {
		return
	}
	a := &e.auditor
	warn := func(err error) {
		if ctx.Err() == nil {
			e.cfg.Store.AddEvent(context.WithoutCancel(ctx), store.Event{Step: step, Kind: "warning", Message: "red team: " + err.Error()})
		}
	}
	if a.attacked == nil {
		passes, err := e.cfg.Store.EventsOfKind(ctx, store.EventRedteam)
		if err != nil {
			warn(err)
			return
		}
		a.attacked = map[int64]bool{}
		for _, p := range passes {
			a.attacked[p.NodeID] = true
		}
	}
	best, err := e.cfg.Store.TopNodes(ctx, 1, e.desc.Direction != task.Minimize)
	if err != nil {
		warn(err)
		return
	}
	if len(best) == 0 || a.attacked[best[0].ID] {
		return
	}
	n := best[0]
	target, err := e.redteamTarget(ctx, n)
	if err != nil {
		warn(fmt.Errorf("node %d: %w (tried again at the next pass)", n.ID, err))
		return
	}
	opts := redteam.Options{Budget: rt.Budget, Seed: e.cfg.Seed + n.Step}
	if rt.Adversary != nil {
		opts.Adversary = bookedProvider{e: e, step: n.Step, p: rt.Adversary}
	}
	ev := redteam.TaskEvaluator{Task: e.cfg.Task, Desc: e.desc, NodeID: redteamNode, ErrDeadline: rt.ErrDeadline}
	rep, err := redteam.Run(ctx, ev, target, opts)
	if err != nil {
		warn(fmt.Errorf("node %d: %w (tried again at the next pass)", n.ID, err))
		return
	}
	findings := make([]store.Finding, 0, len(rep.Findings))
	for _, f := range rep.Findings {
		findings = append(findings, store.Finding{NodeID: n.ID, Source: store.FindingSourceAudit, Attack: f.Attack, Kind: f.Kind,
			Description: f.Description, Score: f.Score, Bound: f.Bound, BoundText: f.BoundText, Code: f.Code, Feedback: f.Feedback})
	}
	event := store.Event{Step: step, NodeID: n.ID, Kind: store.EventRedteam, Message: e.redteamMessage(n, rep)}
	if err := e.cfg.Store.AddFindings(context.WithoutCancel(ctx), findings, event); err != nil {
		warn(err)
		return
	}
	a.attacked[n.ID] = true
}

// redteamTarget is the red team's target for node n: its program and
// what it scored, with the "stdout" artifact when the task kept one (the
// output attacks change it).
func (e *Engine) redteamTarget(ctx context.Context, n store.Node) (redteam.Target, error) {
	rt := e.cfg.Audit.Redteam
	honest := redteam.Outcome{Valid: true, Score: n.Score, Metrics: n.Metrics, Artifacts: map[string][]byte{}}
	stdout, err := e.cfg.Store.Artifact(ctx, n.ID, "stdout")
	switch {
	case err == nil:
		honest.Artifacts["stdout"] = stdout
	case !errors.Is(err, store.ErrNotFound):
		return redteam.Target{}, fmt.Errorf("read its stdout: %w", err)
	}
	score := n.Score
	return redteam.Target{
		Language: e.desc.Language, Primary: e.desc.Primary, Minimize: e.desc.Direction == task.Minimize,
		Program: n.Code, Honest: honest, Statement: e.desc.Statement, EvaluatorSource: rt.EvaluatorSource,
		KnownBest: rt.KnownBest, BestHonest: &score, Margin: rt.Margin,
	}, nil
}

// redteamMessage is the pass's event: the node, the attempts, the bound
// and the findings.
func (e *Engine) redteamMessage(n store.Node, rep redteam.Report) string {
	msg := fmt.Sprintf("node %d (%s) attacked: %d attempt(s), bound %s %.6g (%s)", n.ID, n.Name, len(rep.Attempts), e.desc.Primary, rep.Bound, rep.BoundText)
	if len(rep.Findings) == 0 {
		return msg + ", no finding"
	}
	worst := rep.Findings[0]
	for _, f := range rep.Findings[1:] {
		if (redteam.Target{Minimize: e.desc.Direction == task.Minimize}).Beats(f.Score, worst.Score) {
			worst = f
		}
	}
	return fmt.Sprintf("%s, %d FINDING(S): the evaluator scored %s %s = %.6g", msg, len(rep.Findings), worst.Attack, e.desc.Primary, worst.Score)
}

// bookedProvider books and records the adversary's calls as the engine's
// roles' calls are: the money budget bounds them and the spend counts
// them.
type bookedProvider struct {
	e    *Engine
	step int64
	p    llm.Provider
}

func (b bookedProvider) Name() string { return b.p.Name() }

func (b bookedProvider) Complete(ctx context.Context, req llm.Request) (llm.Response, error) {
	return b.e.callAs(ctx, b.step, "adversary", b.p, req)
}

var _ llm.Provider = bookedProvider{}
