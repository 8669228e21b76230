package report

import (
	"context"
	"errors"

	"github.com/asi-evolve/asi/core/store"
)

// PromptVariant is a variant of the researcher's system prompt (the
// prompts block) with what its nodes earned, counted as the engine
// counts them (store.PromptTally).
type PromptVariant struct {
	store.PromptVariant
	Uses       int
	MeanCredit float64
}

// promptSource is the part of a store that holds the prompt archive;
// *store.Store is one. A Source without it has no variants.
type promptSource interface {
	PromptVariants(ctx context.Context) ([]store.PromptVariant, error)
	PromptUses(ctx context.Context) (map[int64]int64, error)
}

// loadPrompts reads the prompt archive and credits it from the nodes,
// which are loaded by then.
func (c *Campaign) loadPrompts(ctx context.Context, st Source) error {
	ps, ok := st.(promptSource)
	if !ok {
		return nil
	}
	variants, err := ps.PromptVariants(ctx)
	if err != nil || len(variants) == 0 {
		return err
	}
	if c.promptUses, err = ps.PromptUses(ctx); err != nil {
		return err
	}
	tally := store.TallyPrompts(c.Nodes, c.promptUses, c.Maximize())
	c.Prompts = make([]PromptVariant, len(variants))
	for i, v := range variants {
		c.Prompts[i] = PromptVariant{PromptVariant: v, Uses: tally.Uses(v.ID), MeanCredit: tally.MeanCredit(v.ID)}
	}
	return nil
}

// PromptOf returns the variant the researcher of node n was shown; false
// when the campaign has no prompt archive or n is the initial program.
func (c *Campaign) PromptOf(n store.Node) (PromptVariant, bool) {
	id, ok := c.promptUses[n.Step]
	if !ok {
		return PromptVariant{}, false
	}
	for _, v := range c.Prompts {
		if v.ID == id {
			return v, true
		}
	}
	return PromptVariant{}, false
}

// promptOf returns the variant step's researcher was shown, nil when none
// was recorded.
func promptOf(ctx context.Context, st *store.Store, step int64) (*store.PromptVariant, error) {
	id, err := st.PromptUse(ctx, step)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	variants, err := st.PromptVariants(ctx)
	if err != nil {
		return nil, err
	}
	for _, v := range variants {
		if v.ID == id {
			return &v, nil
		}
	}
	return nil, nil
}
