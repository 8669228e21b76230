package backend

import (
	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/core/engine"
)

// promptsConfig sets prompt evolution from the prompts block. A model
// that cannot write (the offline provider) leaves the proposals to the
// offline rules, as leaving the model out does.
func promptsConfig(cfg *campaign.Config, ec *engine.Config) error {
	p := cfg.Prompts
	if !p.Enabled {
		return nil
	}
	ec.Prompts = &engine.PromptEvolution{Every: p.Every, Archive: p.Archive, Exploration: p.Exploration}
	if offlineModel(cfg, p.Model) {
		return nil
	}
	proposer, err := provider(cfg, p.Model)
	if err != nil {
		return err
	}
	ec.Prompts.Proposer = proposer
	return nil
}
