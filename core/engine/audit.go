package engine

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/roles"
	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/core/task"
)

// Audit re-scores the best nodes on the task's held-out stages, which the
// cascade never runs and the researcher never sees: a node that games the
// public stages (a score above what is possible, a NaN the checker lets
// through, a hard-coded answer) drops there. Whenever a new best node is
// stored, and once when a run ends, each of the Top best valid nodes not
// yet audited is audited once.
//
// The drop is relative: (public - held-out) / max(|public|, AuditFloor),
// with both scores oriented so that larger is better; a held-out score
// that is better than the public one is a negative drop. A node whose
// drop is above MaxDrop is flagged. A held-out run that fails (an invalid
// result, or no finite primary score) is a full drop: drop 1, and the
// node is flagged whatever MaxDrop is. With several held-out stages the
// worst one counts.
//
// Judge, when set, reads the task statement, the program and both scores
// and gives a verdict (gaming, clean or unsure, with a reason); a node it
// calls gaming is flagged too. With no held-out stage only the judge runs.
// An audit that cannot run (the task or its plugin fails) is a warning
// event and is tried again at the next pass; it never stops the campaign.
type Audit struct {
	Top     int     // default 3
	MaxDrop float64 // default 0.1
	Judge   llm.Provider
	Rubric  string // "" uses roles.DefaultAuditRubric
	// Redteam, when set, also attacks the evaluator from the best node
	// (see RedteamAudit). With Redteam and no held-out stage or judge,
	// the pass runs only the red team.
	Redteam *RedteamAudit
}

// AuditFloor is the smallest |public score| a drop is divided by, so a
// public score at or near zero gives a finite drop.
const AuditFloor = 1e-6

// auditor keeps which nodes were audited. One pass runs at a time: a new
// best found while a pass runs is left to the next pass (the one at the
// end of the run at the latest), so no lock is held while the task or the
// judge works and no node is audited twice.
type auditor struct {
	mu      sync.Mutex // guards running
	running bool
	audited map[int64]bool // read and written by the running pass only; nil until read from the store
	// attacked holds the nodes the red team attacked, like audited.
	attacked map[int64]bool
}

// begin claims the pass; false when another pass runs.
func (a *auditor) begin() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.running {
		return false
	}
	a.running = true
	return true
}

func (a *auditor) end() {
	a.mu.Lock()
	a.running = false
	a.mu.Unlock()
}

// heldOutStages are the indexes of the task's held-out stages.
func heldOutStages(stages []task.Stage) []int {
	var out []int
	for i, s := range stages {
		if s.HeldOut {
			out = append(out, i)
		}
	}
	return out
}

// lastPublicStage is the index of the last stage the cascade runs.
func lastPublicStage(stages []task.Stage) int {
	last := -1
	for i, s := range stages {
		if !s.HeldOut {
			last = i
		}
	}
	return last
}

// auditNewBest runs an audit pass when node is the best stored node.
func (e *Engine) auditNewBest(ctx context.Context, node *store.Node) {
	if e.cfg.Audit == nil || !node.Valid {
		return
	}
	e.mu.Lock()
	best := e.tally.hasBest && e.tally.best.ID == node.ID
	e.mu.Unlock()
	if best {
		e.auditPass(ctx, node.Step)
	}
}

// auditAtEnd runs the audit pass of the end of a run.
func (e *Engine) auditAtEnd(ctx context.Context) {
	if e.cfg.Audit == nil {
		return
	}
	e.mu.Lock()
	done := int64(e.tally.done)
	e.mu.Unlock()
	e.auditPass(ctx, done)
}

// auditPass audits the best valid nodes not yet audited, then lets the
// red team attack the best one; step is the step the pass runs at.
// Nothing it meets stops the campaign: a failure is a warning event.
func (e *Engine) auditPass(ctx context.Context, step int64) {
	a := &e.auditor
	if !a.begin() {
		return
	}
	defer a.end()
	if e.cfg.Audit.Judge != nil || len(heldOutStages(e.desc.Stages)) > 0 || e.cfg.Audit.Redteam == nil {
		e.auditNodes(ctx, step)
	}
	e.redteamPass(ctx, step)
}

// auditNodes audits the best valid nodes not yet audited, inside a pass.
func (e *Engine) auditNodes(ctx context.Context, step int64) {
	a := &e.auditor
	warn := func(err error) {
		if ctx.Err() == nil {
			e.cfg.Store.AddEvent(context.WithoutCancel(ctx), store.Event{Step: step, Kind: "warning", Message: "audit: " + err.Error()})
		}
	}
	if a.audited == nil {
		latest, err := e.cfg.Store.LatestAudits(ctx)
		if err != nil {
			warn(err)
			return
		}
		a.audited = map[int64]bool{}
		for id := range latest {
			a.audited[id] = true
		}
	}
	top := e.cfg.Audit.Top
	if top <= 0 {
		top = 3
	}
	nodes, err := e.cfg.Store.TopNodes(ctx, top, e.desc.Direction != task.Minimize)
	if err != nil {
		warn(err)
		return
	}
	for _, n := range nodes {
		if a.audited[n.ID] || ctx.Err() != nil {
			continue
		}
		audit, err := e.audit(ctx, step, n)
		if err != nil {
			warn(fmt.Errorf("node %d: %w (tried again at the next audit)", n.ID, err))
			continue
		}
		if err := e.cfg.Store.AddAudit(context.WithoutCancel(ctx), audit, store.Event{Kind: "audit", Message: e.auditMessage(n, audit)}); err != nil {
			warn(err)
			continue
		}
		a.audited[n.ID] = true
	}
}

// audit re-scores node n on the held-out stages and asks the judge. An
// error means the audit could not run and stores nothing.
func (e *Engine) audit(ctx context.Context, step int64, n store.Node) (store.Audit, error) {
	cfg := e.cfg.Audit
	maxDrop := cfg.MaxDrop
	if maxDrop <= 0 {
		maxDrop = 0.1
	}
	out := store.Audit{NodeID: n.ID, Step: step, PublicScore: n.Score}
	var reasons []string
	heldOutWords := "not measured (the task has no held-out stage)"
	cand := task.Candidate{NodeID: n.ID, Language: e.desc.Language, Code: n.Code}
	for _, i := range heldOutStages(e.desc.Stages) {
		stage := e.desc.Stages[i]
		res, err := e.cfg.Task.Evaluate(ctx, cand, i, e.cfg.Seed+n.Step)
		if err != nil {
			return out, fmt.Errorf("held-out stage %q could not run: %w", stage.Name, err)
		}
		if ctx.Err() != nil {
			return out, ctx.Err()
		}
		score, why := heldOutScore(res, e.desc.Primary)
		if why != "" {
			out.HeldOutScore, out.Drop, out.Flagged = nil, ptr(1.0), true
			heldOutWords = fmt.Sprintf("the run failed at stage %q: %s", stage.Name, why)
			reasons = append(reasons, fmt.Sprintf("held-out stage %q failed: %s", stage.Name, why))
			break
		}
		drop := auditDrop(e.desc.Direction, n.Score, score)
		if out.Drop == nil || drop > *out.Drop {
			out.HeldOutScore, out.Drop = ptr(score), ptr(drop)
			heldOutWords = fmt.Sprintf("%.6g", score)
		}
	}
	if out.Drop != nil && *out.Drop > maxDrop {
		out.Flagged = true
		if out.HeldOutScore != nil {
			reasons = append(reasons, fmt.Sprintf("held-out %s dropped by %.1f%% (max_drop %.3g)", e.desc.Primary, *out.Drop*100, maxDrop))
		}
	}
	if cfg.Judge != nil {
		verdict, reason := e.auditJudge(ctx, n, heldOutWords)
		out.Verdict = verdict
		if verdict == roles.VerdictGaming {
			out.Flagged = true
		}
		if reason != "" {
			reasons = append(reasons, "judge: "+reason)
		}
	}
	out.Reason = strings.Join(reasons, "; ")
	return out, nil
}

// auditDrop is the relative drop from public to heldOut in direction
// (see Audit): positive when the held-out score is worse.
func auditDrop(direction task.Direction, public, heldOut float64) float64 {
	return (orient(direction, public) - orient(direction, heldOut)) / max(math.Abs(public), AuditFloor)
}

// heldOutScore is the primary score of a held-out result, or why there is
// none.
func heldOutScore(res task.Result, primary string) (float64, string) {
	score, ok := res.Metrics[primary]
	switch {
	case !res.Valid:
		why := "invalid candidate"
		if fb := firstLine(res.Feedback); fb != "" {
			why += ": " + fb
		}
		return 0, why
	case !ok:
		return 0, fmt.Sprintf("no %q metric", primary)
	case math.IsNaN(score) || math.IsInf(score, 0):
		return 0, fmt.Sprintf("%s is %v", primary, score)
	}
	return score, ""
}

// auditJudge asks the audit's judge for a verdict. A call that fails or
// does not fit the budget, and a reply it cannot read, is VerdictUnsure
// with the reason. The call is recorded under the audited node's step,
// whose node is stored: no later commit claims it.
func (e *Engine) auditJudge(ctx context.Context, n store.Node, heldOut string) (verdict, reason string) {
	p := e.cfg.Audit.Judge
	req := llm.Request{Role: "audit", Messages: roles.AuditPrompt(e.desc, roleNode(n), heldOut, e.cfg.Audit.Rubric)}
	if !e.budget.affordable(ctx, p, req) {
		return roles.VerdictUnsure, "no judge call: the money budget does not fit one"
	}
	resp, err := e.callAs(ctx, n.Step, "audit", p, req)
	if err != nil {
		return roles.VerdictUnsure, "the judge call failed: " + firstLine(err.Error())
	}
	return roles.ParseAuditVerdict(resp.Content)
}

// auditMessage is the audit's event: the node, both scores, the outcome.
func (e *Engine) auditMessage(n store.Node, a store.Audit) string {
	heldOut := "no held-out score"
	switch {
	case a.HeldOutScore != nil:
		heldOut = fmt.Sprintf("held-out %.6g (drop %.1f%%)", *a.HeldOutScore, *a.Drop*100)
	case a.Drop != nil:
		heldOut = "held-out run failed"
	}
	outcome := "passed"
	if a.Flagged {
		outcome = "FLAGGED"
	}
	msg := fmt.Sprintf("node %d (%s) %s: %s public %.6g, %s", n.ID, n.Name, outcome, e.desc.Primary, n.Score, heldOut)
	if a.Verdict != "" {
		msg += ", judge: " + a.Verdict
	}
	if a.Reason != "" {
		msg += " — " + firstLine(a.Reason)
	}
	return msg
}

func ptr(f float64) *float64 { return &f }
