package command

import (
	"fmt"
	"strings"

	"github.com/asi-evolve/asi/cognition"
	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/core/engine"
	"github.com/asi-evolve/asi/core/llm"
)

// researchConfig sets the engine's research-quality machinery from the
// campaign file: repairs, cascade thresholds, the judge, the novelty
// check, the choice among several researchers and the manager. cache
// keeps a model embedder's vectors (nil: none).
func researchConfig(cfg *campaign.Config, ec *engine.Config, cache *cognition.DB) error {
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
			var emb cognition.Embedder = cognition.NewOffline(cfg.Cognition.Dimensions)
			if label := cfg.Cognition.Embedder; label != "" {
				m := cfg.Models[label]
				emb = cognition.NewOpenAI(cognition.OpenAIConfig{BaseURL: m.BaseURL, APIKey: m.APIKey, Model: m.Name, Cache: cache}, cfg.Cognition.Dimensions)
			}
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
	return nil
}

func offlineModel(cfg *campaign.Config, label string) bool {
	return label == "" || cfg.Models[label].Provider == campaign.ProviderOffline
}

// modelRole builds the provider of a role only a language model can play.
func modelRole(cfg *campaign.Config, label, role string) (llm.Provider, error) {
	if offlineModel(cfg, label) {
		return nil, fmt.Errorf("model %q: the offline provider cannot play the %s role; give it a model or remove the block", label, role)
	}
	return provider(cfg, label)
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
	if ec.Cognition == nil {
		on = append(on, "cognition off")
	}
	return strings.Join(on, ", ")
}
