package report

import (
	"cmp"
	"context"
	"slices"
	"strconv"

	"github.com/asi-evolve/asi/core/store"
)

// auditSource is the part of a store that holds the audits of the best
// nodes; *store.Store is one. A Source without it has no audits.
type auditSource interface {
	Audits(ctx context.Context) ([]store.Audit, error)
}

// loadAudits reads every audit, oldest first, into c.Audits.
func (c *Campaign) loadAudits(ctx context.Context, st Source) error {
	as, ok := st.(auditSource)
	if !ok {
		return nil
	}
	audits, err := as.Audits(ctx)
	c.Audits = audits
	return err
}

// AuditOf is the newest audit of node id.
func (c *Campaign) AuditOf(id int64) (store.Audit, bool) {
	for i := len(c.Audits) - 1; i >= 0; i-- {
		if c.Audits[i].NodeID == id {
			return c.Audits[i], true
		}
	}
	return store.Audit{}, false
}

// Flagged are the newest audits that flag their node, one per node, in
// node id order: the nodes suspected of gaming their evaluator.
func (c *Campaign) Flagged() []store.Audit {
	var flagged []store.Audit
	seen := map[int64]bool{}
	for i := len(c.Audits) - 1; i >= 0; i-- {
		a := c.Audits[i]
		if seen[a.NodeID] {
			continue
		}
		seen[a.NodeID] = true
		if a.Flagged {
			flagged = append(flagged, a)
		}
	}
	slices.SortFunc(flagged, func(a, b store.Audit) int { return cmp.Compare(a.NodeID, b.NodeID) })
	return flagged
}

// AuditedCount is how many nodes were audited.
func (c *Campaign) AuditedCount() int {
	seen := map[int64]bool{}
	for _, a := range c.Audits {
		seen[a.NodeID] = true
	}
	return len(seen)
}

// AuditRow is the newest audit of a node, with the node's name and its
// numbers written out, for the HTML report.
type AuditRow struct {
	store.Audit
	Name    string
	HeldOut string // the held-out score, "failed" or "—"
	DropPct string // the drop in percent, or "—"
}

// AuditRows are the newest audit of each audited node, flagged nodes
// first, then by node id.
func (c *Campaign) AuditRows() []AuditRow {
	var rows []AuditRow
	seen := map[int64]bool{}
	for i := len(c.Audits) - 1; i >= 0; i-- {
		a := c.Audits[i]
		if seen[a.NodeID] {
			continue
		}
		seen[a.NodeID] = true
		row := AuditRow{Audit: a, HeldOut: "—", DropPct: "—"}
		if n, ok := c.Node(a.NodeID); ok {
			row.Name = n.Name
		}
		switch {
		case a.HeldOutScore != nil:
			row.HeldOut = strconv.FormatFloat(*a.HeldOutScore, 'g', 6, 64)
		case a.Drop != nil:
			row.HeldOut = "failed"
		}
		if a.Drop != nil {
			row.DropPct = strconv.FormatFloat(*a.Drop*100, 'f', 1, 64) + "%"
		}
		rows = append(rows, row)
	}
	slices.SortFunc(rows, func(a, b AuditRow) int {
		if a.Flagged != b.Flagged {
			if a.Flagged {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.NodeID, b.NodeID)
	})
	return rows
}
