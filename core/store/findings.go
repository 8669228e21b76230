package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"
)

// Where a finding comes from.
const (
	FindingSourceCommand = "task audit" // `asi task audit`
	FindingSourceAudit   = "audit"      // the campaign's audit block
)

// EventRedteam is the kind of the event every red-team pass stores, with
// or without findings: its node is the node attacked and its message the
// attempt count, so a pass that found nothing is on record too and a
// resumed campaign does not attack the same node again.
const EventRedteam = "redteam"

// InitialProgramNode is the NodeID of a finding against the task's
// initial program rather than a stored node.
const InitialProgramNode = -1

// Finding is a program the red team found that the evaluator scored valid
// and above a bound no honest program reaches. Findings are added, never
// changed.
type Finding struct {
	ID        int64
	CreatedAt time.Time
	// NodeID is the node whose program was attacked; InitialProgramNode
	// for the task's initial program.
	NodeID int64
	Source string // FindingSourceCommand or FindingSourceAudit
	// Attack names the attack, Kind says where it came from (library,
	// optimiser, model) and Description what it did.
	Attack, Kind, Description string
	// Score is what the evaluator gave the attack; Bound is what it beat,
	// and BoundText what that bound is in words.
	Score, Bound float64
	BoundText    string
	// Code is the attack program and Feedback the evaluator's words on it.
	Code, Feedback string
}

// AddFindings stores fs and events in one transaction: all of them or,
// on an error, none. An event's Step and NodeID are its own (NodeID 0
// stores none). fs may be empty, for a pass that found nothing.
func (s *Store) AddFindings(ctx context.Context, fs []Finding, events ...Event) error {
	for i, f := range fs {
		for name, v := range map[string]float64{"score": f.Score, "bound": f.Bound} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("add findings: finding %d (%s, node %d): %s %v is not a finite number", i, f.Attack, f.NodeID, name, v)
			}
		}
		if f.Attack == "" {
			return fmt.Errorf("add findings: finding %d (node %d) names no attack", i, f.NodeID)
		}
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		created := now()
		for _, f := range fs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO findings (node_id, source, attack, kind, description, score, bound,
				bound_text, code, feedback, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				f.NodeID, f.Source, f.Attack, f.Kind, f.Description, f.Score, f.Bound, f.BoundText, f.Code, f.Feedback, created); err != nil {
				return err
			}
		}
		for _, e := range events {
			var node any
			if e.NodeID != 0 {
				node = e.NodeID
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO events (step, node_id, kind, message, created_at) VALUES (?, ?, ?, ?, ?)`,
				e.Step, node, e.Kind, e.Message, created); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("add %d finding(s): %w", len(fs), err)
	}
	return nil
}

// Findings returns every finding, oldest first.
func (s *Store) Findings(ctx context.Context) ([]Finding, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, node_id, source, attack, kind, description, score, bound, bound_text,
		code, feedback, created_at FROM findings ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list findings: %w", err)
	}
	defer rows.Close()
	var out []Finding
	for rows.Next() {
		var f Finding
		var created string
		if err := rows.Scan(&f.ID, &f.NodeID, &f.Source, &f.Attack, &f.Kind, &f.Description, &f.Score, &f.Bound,
			&f.BoundText, &f.Code, &f.Feedback, &created); err != nil {
			return nil, fmt.Errorf("list findings: %w", err)
		}
		f.CreatedAt = parseTime(created)
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list findings: %w", err)
	}
	return out, nil
}
