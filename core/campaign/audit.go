package campaign

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// Audit is the audit block: whenever a new best node appears, and once
// when a run ends, the best valid nodes not yet audited are re-scored on
// the task's held-out stages and, with a judge, read by a model looking
// for reward hacking. A node whose held-out score drops by more than
// MaxDrop is flagged. Whether the task has a held-out stage is known only
// once it describes itself (backend checks it).
type Audit struct {
	Enabled bool
	Top     int     // how many of the best valid nodes are audited; default 3
	MaxDrop float64 // relative drop that flags a node, more than 0; default 0.1
	Judge   string  // model label that reads the audited nodes; "" for none
	Rubric  string  // "" uses the built-in gaming checklist
	// Attacks runs the red team on every new best node: the offline attack
	// library and the black-box optimiser, and the Adversary model when
	// one is named (which implies Attacks); default false.
	Attacks bool
	// AttackBudget is the optimiser's evaluations per pass; nil uses the
	// red team's default, 0 turns the optimiser off.
	AttackBudget *int
	Adversary    string // model label that writes hack programs; "" for none
	// KnownBest is a declared bound no honest program beats (a proven
	// optimum); nil when none is declared.
	KnownBest *float64
	// Margin is how far past the best honest node, relative, an attack
	// must score to be a finding when KnownBest is nil; more than 0, 0
	// uses the red team's default.
	Margin float64
	// DeclRange is the block's header; zero when the file has no such block.
	DeclRange hcl.Range
}

const (
	defaultAuditTop     = 3
	defaultAuditMaxDrop = 0.1
)

var auditSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "top"}, {Name: "max_drop"}, {Name: "judge"}, {Name: "rubric"},
	{Name: "attacks"}, {Name: "attack_budget"}, {Name: "adversary"}, {Name: "known_best"}, {Name: "margin"},
}}

// decodeAudit decodes the audit block; block is nil when the file has
// none. Models are decoded by then.
func (d *decoder) decodeAudit(block *hcl.Block, cfg *Config) {
	if block == nil {
		return
	}
	a := Audit{Enabled: true, Top: defaultAuditTop, MaxDrop: defaultAuditMaxDrop, DeclRange: block.DefRange}
	content, diags := block.Body.Content(auditSchema)
	d.diags = append(d.diags, diags...)
	attrs := content.Attributes
	d.count(attrs, "top", 1, &a.Top)
	if drop, attr, ok := d.number(attrs, "max_drop"); ok {
		if drop <= 0 {
			d.errorf(attr.Expr.Range(), "Value out of range",
				"\"max_drop\" is the relative drop of the primary score that flags a node (0.1: 10%% worse on the held-out stage); it must be more than 0.")
		} else {
			a.MaxDrop = drop
		}
	}
	if attr, ok := attrs["judge"]; ok {
		a.Judge = d.modelRef(attr, cfg.Models)
	}
	if rubric, attr, ok := d.string(attrs, "rubric"); ok {
		if strings.TrimSpace(rubric) == "" {
			d.errorf(attr.Expr.Range(), "Empty rubric", "\"rubric\" is what the audit judge checks for; leave it out to use the built-in one.")
		} else if a.Judge == "" && attrs["judge"] == nil {
			d.errorf(attr.Expr.Range(), "Rubric without a judge", "\"rubric\" is read by the audit's judge model; add judge = model.<label> or remove the rubric.")
		} else {
			a.Rubric = rubric
		}
	}
	d.decodeAttacks(attrs, cfg, &a)
	cfg.Audit = a
}
