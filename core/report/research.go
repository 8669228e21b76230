package report

import "github.com/asi-evolve/asi/core/store"

// Research sums what the machinery around the LLM calls did over every
// stored node (every run), read back from the store.
type Research = store.ResearchCounters

// Research sums the research counters of the campaign's nodes.
func (c *Campaign) Research() Research { return store.CountResearch(c.Nodes) }
