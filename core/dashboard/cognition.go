package dashboard

import "github.com/asi-evolve/asi/core/store"

// cognitionOf returns the ids of the cognition items retrieved for a
// node's design, best first, and whether the store records them (it
// always does now; the flag keeps the page honest if that changes).
func cognitionOf(n store.Node) (items []string, recorded bool) {
	if n.Cognition == nil {
		return []string{}, true
	}
	return n.Cognition, true
}
