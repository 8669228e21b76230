package campaign

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// decodeAttacks reads the audit block's red-team attributes into a.
// Models are decoded by then.
func (d *decoder) decodeAttacks(attrs hcl.Attributes, cfg *Config, a *Audit) {
	attacksSet := false
	if v, _, ok := d.value(attrs, "attacks", cty.Bool); ok {
		a.Attacks, attacksSet = v.True(), true
	}
	if attr, ok := attrs["adversary"]; ok {
		label := d.modelRef(attr, cfg.Models)
		switch {
		case label == "":
		case cfg.Models[label].Provider == ProviderOffline:
			d.errorf(attr.Expr.Range(), "Offline adversary",
				"model.%s is of the offline provider, which cannot write programs; the adversary needs a language model. Name another model, or leave adversary out to run only the offline attacks.", label)
		case attacksSet && !a.Attacks:
			d.errorf(attr.Expr.Range(), "Adversary with attacks off",
				"An adversary model writes attack programs, which attacks = false turns off; remove one of the two.")
		default:
			a.Adversary, a.Attacks = label, true
		}
	}
	if attr, ok := attrs["attack_budget"]; ok {
		if n, _, ok := d.integer(attrs, "attack_budget", 0); ok {
			budget := int(min(n, 1<<31-1))
			a.AttackBudget = &budget
		}
		d.needsAttacks(attr, attrs, a)
	}
	if best, attr, ok := d.number(attrs, "known_best"); ok {
		a.KnownBest = &best
		d.needsAttacks(attr, attrs, a)
	}
	if margin, attr, ok := d.number(attrs, "margin"); ok {
		if margin <= 0 {
			d.errorf(attr.Expr.Range(), "Value out of range",
				"\"margin\" is how far past the best honest node, relative, an attack must score to be a finding (0.5: 50%% better); it must be more than 0.")
		} else {
			a.Margin = margin
		}
		d.needsAttacks(attr, attrs, a)
	}
}

// needsAttacks reports a red-team setting in an audit block that does not
// attack: it would silently do nothing.
func (d *decoder) needsAttacks(attr *hcl.Attribute, attrs hcl.Attributes, a *Audit) {
	if a.Attacks || attrs["adversary"] != nil {
		return
	}
	d.errorf(attr.Expr.Range(), "Red-team setting without attacks",
		"%q sets how the red team attacks the evaluator, which runs only with attacks = true (or an adversary model); add attacks = true or remove it.", attr.Name)
}
