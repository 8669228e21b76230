package store

import (
	"context"
	"fmt"
	"time"
)

// RoleSpend totals the calls a model answered for one role.
type RoleSpend struct {
	Role             string
	Calls            int
	PromptTokens     int64
	CompletionTokens int64
	CostUSD          float64
}

// SpendByRole totals the calls a model answered (OfflineProvider's
// exchanges left out), by role, for the steps from fromStep on: 1 leaves
// out step 0, the initial program and the manager's one-off guidance.
// Calls of interrupted steps count: their money was spent.
func (s *Store) SpendByRole(ctx context.Context, fromStep int64) ([]RoleSpend, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT role, COUNT(*), COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(completion_tokens), 0),
		COALESCE(SUM(cost_usd), 0) FROM llm_calls WHERE provider <> ? AND step >= ? GROUP BY role ORDER BY role`, OfflineProvider, fromStep)
	if err != nil {
		return nil, fmt.Errorf("spend by role: %w", err)
	}
	defer rows.Close()
	var out []RoleSpend
	for rows.Next() {
		var r RoleSpend
		if err := rows.Scan(&r.Role, &r.Calls, &r.PromptTokens, &r.CompletionTokens, &r.CostUSD); err != nil {
			return nil, fmt.Errorf("spend by role: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("spend by role: %w", err)
	}
	return out, nil
}

// StepDurations returns, for each step from fromStep on that has a node,
// the time from its last claim to its node's commit: what one worker
// spent on it, with the pauses between runs of a resumed campaign left out.
func (s *Store) StepDurations(ctx context.Context, fromStep int64) ([]time.Duration, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT s.claimed_at, n.created_at FROM steps s JOIN nodes n ON n.step = s.step
		WHERE s.status = 'done' AND s.step >= ? ORDER BY s.step`, fromStep)
	if err != nil {
		return nil, fmt.Errorf("step durations: %w", err)
	}
	defer rows.Close()
	var out []time.Duration
	for rows.Next() {
		var claimed, created string
		if err := rows.Scan(&claimed, &created); err != nil {
			return nil, fmt.Errorf("step durations: %w", err)
		}
		if d := parseTime(created).Sub(parseTime(claimed)); d >= 0 {
			out = append(out, d)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("step durations: %w", err)
	}
	return out, nil
}
