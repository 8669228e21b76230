package engine

import "github.com/asi-evolve/asi/core/store"

// Counters sum what the research-quality machinery did over the whole
// campaign (every run), from the metrics stored on the nodes.
type Counters = store.ResearchCounters

// CountersOf sums the counters of stored nodes.
func CountersOf(nodes []store.Node) Counters { return store.CountResearch(nodes) }
