package sampling

import "math/rand/v2"

// Node is the sampler's view of a stored node.
type Node struct {
	ID      int64
	Parents []int64 // first is the parent the node was derived from
	Score   float64 // primary score, already oriented so that larger is better
	Valid   bool
	Island  int
	// Features are the node's values on the MAP-Elites feature axes.
	Features []float64
	// Objectives are the node's values on the campaign's objectives, each
	// oriented so that larger is better; NaN where the node reports no
	// value. Only the pareto sampler reads them.
	Objectives []float64
}

// Sampler chooses context nodes for the next step.
//
// A sampler's whole state is derived from the nodes it has been given: the
// engine calls Add for every stored node in ID order, also when a campaign
// resumes, so a sampler needs no storage of its own. Samplers are not safe
// for concurrent use; the engine serialises calls.
type Sampler interface {
	Name() string
	// Add records a stored node.
	Add(n Node)
	// Sample returns up to n context nodes, the first being the parent to
	// edit. It returns nil when no node has been added. A sampler that
	// partitions the population (island) picks all nodes from one partition.
	Sample(rng *rand.Rand, n int) []Node
	// Island returns the island a child of parent belongs to. The zero
	// Node asks for the island of a node without a parent, such as the
	// initial program. Samplers without islands answer 0.
	Island(parent Node) int
}
