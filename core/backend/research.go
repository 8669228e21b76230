package backend

import (
	"fmt"
	"strings"

	"github.com/asi-evolve/asi/cognition"
	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/core/engine"
)

// researchConfig sets the engine's research-quality machinery from the
// campaign file: repairs, cascade thresholds, the judge, the novelty
// check, the choice among several researchers and the manager. emb is the
// run's embedder, used by a novelty check with a similarity threshold.
func researchConfig(cfg *campaign.Config, ec *engine.Config, emb cognition.Embedder) error {
	r := cfg.Research
	// The offline researcher does not read the error it is shown, so a
	// "repair" would be one more random mutation billed as a fix: repairs
	// run only with a model researcher.
	if !offlineModel(cfg, cfg.Roles.Researcher) || len(cfg.Roles.Researchers) > 1 {
		ec.MaxRepairs = cfg.Roles.MaxRepairs
	}
	ec.Thresholds = r.Thresholds
	if len(cfg.Roles.Researchers) > 1 {
		ec.Choice = cfg.Roles.ResearcherChoice
		for _, label := range cfg.Roles.Researchers {
			p, err := provider(cfg, label)
			if err != nil {
				return err
			}
			ec.Researchers = append(ec.Researchers, engine.Arm{Label: "model." + label, Provider: p, Weight: cfg.Models[label].Weight})
		}
	}
	if r.Judge.Enabled {
		p, err := modelRole(cfg, r.Judge.Model, "judge")
		if err != nil {
			return err
		}
		ec.Judge = &engine.Judge{Provider: p, Weight: r.Judge.Weight, Rubric: r.Judge.Rubric}
	}
	if r.Novelty.Enabled {
		// Without a threshold the check compares programs only: the
		// offline embedder puts nearly every small edit within 0.98.
		ec.Novelty = &engine.Novelty{Threshold: r.Novelty.Threshold}
		if r.Novelty.Threshold > 0 {
			ec.Novelty.Embedder = emb
		}
		if r.Novelty.Confirm != "" {
			p, err := modelRole(cfg, r.Novelty.Confirm, "novelty confirmation")
			if err != nil {
				return err
			}
			ec.Novelty.Confirm = p
		}
	}
	if r.Manager.Enabled {
		p, err := modelRole(cfg, r.Manager.Model, "manager")
		if err != nil {
			return err
		}
		ec.Manager = &engine.Manager{Provider: p, Every: r.Manager.Every}
	}
	return promptsConfig(cfg, ec)
}

// describeResearch says in one line which pieces of the machinery are on.
func describeResearch(ec engine.Config) string {
	on := []string{fmt.Sprintf("repairs %d", ec.MaxRepairs)}
	if ec.NoCascade {
		on = append(on, "cascade off")
	} else if len(ec.Thresholds) > 0 {
		on = append(on, fmt.Sprintf("cascade (%d threshold(s) from the file)", len(ec.Thresholds)))
	}
	if ec.Judge != nil {
		on = append(on, fmt.Sprintf("judge (weight %.2g)", ec.Judge.Weight))
	}
	if ec.Novelty != nil {
		if ec.Novelty.Threshold > 0 {
			on = append(on, fmt.Sprintf("novelty (repeats, and similarity %.3g)", ec.Novelty.Threshold))
		} else {
			on = append(on, "novelty (repeats)")
		}
	}
	if len(ec.Researchers) > 1 {
		choice := ec.Choice
		if choice == "" {
			choice = engine.ChoiceWeights
		}
		on = append(on, fmt.Sprintf("%d researchers by %s", len(ec.Researchers), choice))
	}
	if ec.Manager != nil {
		on = append(on, "manager")
	}
	if ec.Prompts != nil {
		on = append(on, "prompt evolution")
	}
	if ec.Stall != nil {
		on = append(on, fmt.Sprintf("stop after %d steps without gain (response %s)", ec.Stall.Patience, ec.Stall.Response))
	}
	if ec.Cognition == nil {
		on = append(on, "cognition off")
	}
	return strings.Join(on, ", ")
}

// AblationPieces are what an ablation can turn off (Options.Off), each
// against the full campaign.
var AblationPieces = []string{"analyzer", "cognition", "repair", "cascade", "judge", "novelty", "manager", "bandit", "prompts", "feedback"}

// turnOff removes the named pieces from an engine configuration. The
// analyzer is turned off in the campaign itself (see Open).
func turnOff(ec *engine.Config, off map[string]bool) {
	for piece := range off {
		switch piece {
		case "cognition":
			ec.Cognition = nil
		case "repair":
			ec.MaxRepairs = 0
		case "cascade":
			ec.NoCascade, ec.Thresholds = true, nil
		case "judge":
			ec.Judge = nil
		case "novelty":
			ec.Novelty = nil
		case "manager":
			ec.Manager = nil
		case "prompts":
			ec.Prompts = nil
		case "feedback":
			ec.Feedback = nil
		case "bandit":
			if len(ec.Researchers) > 0 {
				ec.Researcher, ec.Researchers = ec.Researchers[0].Provider, nil
			}
		}
	}
}
