package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"time"
)

// Verdicts a judge gives an audited node.
const (
	VerdictGaming = "gaming"
	VerdictClean  = "clean"
	VerdictUnsure = "unsure"
)

// Audit is one re-scoring of a stored node on the task's held-out stage,
// and the judge's reading of it when the campaign has a judge. Audits are
// added, never changed: the node they audit is untouched.
type Audit struct {
	ID     int64
	NodeID int64
	// Step is how many steps were done when the audit ran.
	Step        int64
	PublicScore float64
	// HeldOutScore is the primary score on the held-out stage; nil when
	// the task has none or its run failed.
	HeldOutScore *float64
	// Drop is the relative drop from the public to the held-out score, in
	// the task's direction (see the engine's audit); nil when no
	// held-out stage ran.
	Drop    *float64
	Flagged bool
	// Verdict is VerdictGaming, VerdictClean or VerdictUnsure; "" when no
	// judge read the node.
	Verdict   string
	Reason    string
	CreatedAt time.Time
}

// AddAudit stores an audit and its events in one transaction.
func (s *Store) AddAudit(ctx context.Context, a Audit, events ...Event) error {
	if math.IsNaN(a.PublicScore) || math.IsInf(a.PublicScore, 0) {
		return fmt.Errorf("audit of node %d: public score %v is not a finite number", a.NodeID, a.PublicScore)
	}
	for name, v := range map[string]*float64{"held-out score": a.HeldOutScore, "drop": a.Drop} {
		if v != nil && (math.IsNaN(*v) || math.IsInf(*v, 0)) {
			return fmt.Errorf("audit of node %d: %s %v is not a finite number", a.NodeID, name, *v)
		}
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		created := now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO audits (node_id, step, public_score, held_out_score, drop_ratio,
			flagged, verdict, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.NodeID, a.Step, a.PublicScore, nullable(a.HeldOutScore), nullable(a.Drop), a.Flagged, a.Verdict, a.Reason, created); err != nil {
			return err
		}
		for _, e := range events {
			if _, err := tx.ExecContext(ctx, `INSERT INTO events (step, node_id, kind, message, created_at) VALUES (?, ?, ?, ?, ?)`,
				a.Step, a.NodeID, e.Kind, e.Message, created); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("add audit of node %d: %w", a.NodeID, err)
	}
	return nil
}

// Audits returns every audit, oldest first.
func (s *Store) Audits(ctx context.Context) ([]Audit, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, node_id, step, public_score, held_out_score, drop_ratio, flagged,
		verdict, reason, created_at FROM audits ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list audits: %w", err)
	}
	defer rows.Close()
	var audits []Audit
	for rows.Next() {
		var a Audit
		var heldOut, drop sql.NullFloat64
		var created string
		if err := rows.Scan(&a.ID, &a.NodeID, &a.Step, &a.PublicScore, &heldOut, &drop, &a.Flagged,
			&a.Verdict, &a.Reason, &created); err != nil {
			return nil, fmt.Errorf("list audits: %w", err)
		}
		if heldOut.Valid {
			a.HeldOutScore = &heldOut.Float64
		}
		if drop.Valid {
			a.Drop = &drop.Float64
		}
		a.CreatedAt = parseTime(created)
		audits = append(audits, a)
	}
	return audits, rows.Err()
}

// LatestAudits returns the newest audit of each audited node, by node id.
func (s *Store) LatestAudits(ctx context.Context) (map[int64]Audit, error) {
	audits, err := s.Audits(ctx)
	if err != nil {
		return nil, err
	}
	latest := make(map[int64]Audit, len(audits))
	for _, a := range audits {
		latest[a.NodeID] = a
	}
	return latest, nil
}

// FlaggedAudits returns the newest audit of each node whose newest audit
// flagged it, by node id.
func (s *Store) FlaggedAudits(ctx context.Context) ([]Audit, error) {
	latest, err := s.LatestAudits(ctx)
	if err != nil {
		return nil, err
	}
	var flagged []Audit
	for _, a := range latest {
		if a.Flagged {
			flagged = append(flagged, a)
		}
	}
	slices.SortFunc(flagged, func(a, b Audit) int { return cmp.Compare(a.NodeID, b.NodeID) })
	return flagged, nil
}

func nullable(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}

// TopNodes returns up to n valid nodes, best first (ties: the older
// first); maximize says which way is better.
func (s *Store) TopNodes(ctx context.Context, n int, maximize bool) ([]Node, error) {
	order := "DESC"
	if !maximize {
		order = "ASC"
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+nodeColumns+` FROM nodes WHERE valid = 1
		ORDER BY score `+order+`, id ASC LIMIT ?`, n)
	if err != nil {
		return nil, fmt.Errorf("top nodes: %w", err)
	}
	defer rows.Close()
	var nodes []Node
	for rows.Next() {
		node, err := scanNode(rows)
		if err != nil {
			return nil, fmt.Errorf("top nodes: %w", err)
		}
		nodes = append(nodes, node)
	}
	return nodes, rows.Err()
}
