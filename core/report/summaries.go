package report

import (
	"context"
	"fmt"

	"github.com/asi-evolve/asi/core/store"
)

// LoadSummaries reads the campaign in st as Load does, but each node as a
// summary (store.EachSummary): no name, motivation, code, feedback,
// analysis or cognition, and only the head of its error. It reads what
// counting and ranking need, not what the campaign wrote, so a report of a
// long campaign costs little; Complete then reads in full the nodes the
// report shows.
func LoadSummaries(ctx context.Context, st *store.Store) (*Campaign, error) {
	return Load(ctx, summaryStore{st})
}

// summaryStore is a store whose Nodes are summaries; its other methods,
// the optional ones Load looks for included, are the store's.
type summaryStore struct{ *store.Store }

func (s summaryStore) Nodes(ctx context.Context) ([]store.Node, error) {
	var nodes []store.Node
	err := s.EachSummary(ctx, func(n store.Node) error {
		nodes = append(nodes, n)
		return nil
	})
	return nodes, err
}

// Complete replaces the nodes ids of c, read as summaries, by the nodes
// as stored, in full. An id c does not hold is skipped.
func (c *Campaign) Complete(ctx context.Context, st interface {
	Node(ctx context.Context, id int64) (store.Node, error)
}, ids []int64) error {
	if c.byID == nil {
		c.index()
	}
	for _, id := range ids {
		i, ok := c.byID[id]
		if !ok {
			continue
		}
		n, err := st.Node(ctx, id)
		if err != nil {
			return fmt.Errorf("load campaign %s: node %d: %w", c.Dir, id, err)
		}
		c.Nodes[i] = n
	}
	return nil
}
