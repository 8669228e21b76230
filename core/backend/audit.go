package backend

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/core/engine"
	"github.com/asi-evolve/asi/core/redteam"
	"github.com/asi-evolve/asi/core/task"
	"github.com/asi-evolve/asi/plugins"
)

// checkAudit checks the audit block against the task's stages, known only
// once the task describes itself: an audit needs a held-out stage to
// re-score on, unless a judge reads the nodes or the red team attacks the
// evaluator, which then run alone.
func checkAudit(cfg *campaign.Config, desc task.Description) hcl.Diagnostics {
	a := cfg.Audit
	if !a.Enabled || hasHeldOutStage(desc) || (a.Attacks && a.Judge == "") {
		return nil
	}
	rng := a.DeclRange
	names := stageNames(desc)
	if a.Judge != "" {
		return hcl.Diagnostics{{Severity: hcl.DiagWarning, Summary: "Task has no held-out stage",
			Detail:  fmt.Sprintf("Task %s declares no held-out stage (its stages: %s), so the audit only asks the judge, model.%s; nothing is re-scored.", desc.Name, names, a.Judge),
			Subject: &rng}}
	}
	return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Task has no held-out stage",
		Detail: fmt.Sprintf("The audit re-scores the best nodes on the task's held-out stage, and task %s declares none (its stages: %s). "+
			"Declare one in the task (the script task: verify = \"evaluate_verify\" for an openevolve evaluator, verify_command for json), "+
			"give the audit a judge = model.<label> to read the nodes or attacks = true to attack the evaluator instead, or remove the audit block.", desc.Name, names),
		Subject: &rng}}
}

// auditConfig sets the engine's audit from the campaign file; desc is the
// task's description, checked by checkAudit.
func auditConfig(cfg *campaign.Config, ec *engine.Config, desc task.Description) error {
	a := cfg.Audit
	if !a.Enabled {
		return nil
	}
	if diags := checkAudit(cfg, desc); diags.HasErrors() {
		return fmt.Errorf("audit: %s", diags[0].Detail)
	}
	ec.Audit = &engine.Audit{Top: a.Top, MaxDrop: a.MaxDrop, Rubric: a.Rubric}
	if a.Judge != "" {
		p, err := modelRole(cfg, a.Judge, "audit judge")
		if err != nil {
			return err
		}
		ec.Audit.Judge = p
	}
	if a.Attacks {
		rt, err := redteamConfig(cfg)
		if err != nil {
			return err
		}
		ec.Audit.Redteam = rt
	}
	return nil
}

// redteamConfig is the engine's red team from the audit block's
// attributes.
func redteamConfig(cfg *campaign.Config) (*engine.RedteamAudit, error) {
	a := cfg.Audit
	rt := &engine.RedteamAudit{Margin: a.Margin, KnownBest: a.KnownBest, EvaluatorSource: EvaluatorSource(cfg), ErrDeadline: plugins.ErrDeadline}
	switch {
	case a.AttackBudget == nil:
		rt.Budget = redteam.DefaultBudget
	case *a.AttackBudget == 0:
		rt.Budget = -1 // the optimiser off
	default:
		rt.Budget = *a.AttackBudget
	}
	if a.Adversary != "" {
		p, err := modelRole(cfg, a.Adversary, "adversary")
		if err != nil {
			return nil, err
		}
		rt.Adversary = p
	}
	return rt, nil
}

func hasHeldOutStage(desc task.Description) bool {
	for _, s := range desc.Stages {
		if s.HeldOut {
			return true
		}
	}
	return false
}

func stageNames(desc task.Description) string {
	var names []string
	for _, s := range desc.Stages {
		names = append(names, fmt.Sprintf("%q", s.Name))
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// describeAudit says what the audit does, for the run's header.
func describeAudit(ec engine.Config, desc task.Description) string {
	if ec.Audit == nil {
		return ""
	}
	rt := ec.Audit.Redteam
	var s string
	if rt != nil && ec.Audit.Judge == nil && !hasHeldOutStage(desc) {
		s = "audit (red team only: the task has no held-out stage"
	} else {
		s = fmt.Sprintf("audit (top %d, max_drop %.3g", ec.Audit.Top, ec.Audit.MaxDrop)
		if ec.Audit.Judge != nil {
			s += ", judge"
		}
	}
	if rt != nil {
		s += ", " + describeRedteam(rt)
	}
	return s + ")"
}

// describeRedteam says how the red team attacks each new best node.
func describeRedteam(rt *engine.RedteamAudit) string {
	s := "attacks on every new best"
	if rt.Budget < 0 {
		s += ", no optimiser"
	} else {
		s += fmt.Sprintf(", optimiser budget %d", rt.Budget)
	}
	if rt.KnownBest != nil {
		s += fmt.Sprintf(", known best %.6g", *rt.KnownBest)
	} else {
		margin := rt.Margin
		if margin <= 0 {
			margin = redteam.DefaultMargin
		}
		s += fmt.Sprintf(", margin %.0f%%", margin*100)
	}
	if rt.Adversary != nil {
		s += ", adversary model"
	}
	return s
}
