package store

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"
)

// claims hands out step numbers from memory: a step costs no transaction
// when it is claimed. Its row in the steps table is written with the
// first thing the step stores, its first LLM call or its node, in that
// statement's transaction. A step that dies before storing anything
// spent nothing and left no row; ReleaseAbandoned finds it as a gap below
// the highest step stored and hands it out again. One process runs a
// campaign at a time (the campaign lock), so memory is the authority.
type claims struct {
	// serial orders ClaimStep, ReleaseStep and ReleaseAbandoned, and is
	// held across their database calls. mu guards the fields below and is
	// never held across a database call: a batch's transaction, which
	// holds the store's one connection, takes it (claimRow).
	serial  sync.Mutex
	mu      sync.Mutex
	loaded  bool
	next    int64            // the lowest step number never handed out
	retry   []int64          // abandoned steps, handed out first, lowest first
	pending map[int64]string // claimed steps without a row yet: their claim times
	open    map[int64]bool   // claimed steps not yet stored or released
	// The offline operator's exchanges of open steps, stored with the
	// step's node: they cost nothing, so a step cut short loses no spend
	// with them, and they save a transaction a call.
	offline map[int64][]Call
}

// load reads the next step number and the abandoned steps, unless they
// were read since the last ReleaseAbandoned. Callers hold c.serial.
func (c *claims) load(ctx context.Context, db *sql.DB) error {
	c.mu.Lock()
	loaded := c.loaded
	c.mu.Unlock()
	if loaded {
		return nil
	}
	// Step numbers are handed out densely from 0, so the next is one past
	// the highest (MAX uses the key; COUNT scans).
	var next int64
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(step), -1) + 1 FROM steps`).Scan(&next); err != nil {
		return err
	}
	rows, err := db.QueryContext(ctx, `SELECT step FROM steps WHERE status = 'abandoned' ORDER BY step`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var retry []int64
	for rows.Next() {
		var step int64
		if err := rows.Scan(&step); err != nil {
			return err
		}
		retry = append(retry, step)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.next, c.retry = next, retry
	c.pending = map[int64]string{}
	c.open = map[int64]bool{}
	c.offline = map[int64][]Call{}
	c.loaded = true
	return nil
}

// ClaimStep hands out the next step to run. Steps left unfinished by a
// process that died are handed out first (resumed is true), lowest first;
// otherwise a new step number is allocated. limit caps the number of
// steps that may exist (done, running or waiting to run again); 0 means
// no cap. ok is false when the cap is reached.
func (s *Store) ClaimStep(ctx context.Context, limit int) (step int64, resumed, ok bool, err error) {
	c := &s.claims
	c.serial.Lock()
	defer c.serial.Unlock()
	if err := c.load(ctx, s.db); err != nil {
		return 0, false, false, fmt.Errorf("claim step: %w", err)
	}
	c.mu.Lock()
	if len(c.retry) > 0 {
		step = c.retry[0]
		c.mu.Unlock()
		if _, err := s.statements.stepClaimedAgain.ExecContext(ctx, now(), step); err != nil {
			return 0, false, false, fmt.Errorf("claim step %d: %w", step, err)
		}
		c.mu.Lock()
		c.retry = c.retry[1:]
		c.open[step] = true
		c.mu.Unlock()
		return step, true, true, nil
	}
	defer c.mu.Unlock()
	if limit > 0 && c.next >= int64(limit) {
		return 0, false, false, nil
	}
	step = c.next
	c.next++
	c.pending[step] = now()
	c.open[step] = true
	return step, false, true, nil
}

// claimRow writes, inside tx, the steps row of a step claimed by this
// process that has none yet, as running or done; it does nothing for a
// step with a row. Callers hold no lock; claimWritten confirms after the
// transaction commits.
func (s *Store) claimRow(ctx context.Context, tx *sql.Tx, step int64, status string) (bool, error) {
	c := &s.claims
	c.mu.Lock()
	claimed, ok := c.pending[step]
	c.mu.Unlock()
	if !ok {
		return false, nil
	}
	_, err := tx.StmtContext(ctx, s.statements.stepClaimed).ExecContext(ctx, step, status, claimed)
	return err == nil, err
}

// claimWritten forgets a pending claim once its row is committed.
func (s *Store) claimWritten(step int64) {
	c := &s.claims
	c.mu.Lock()
	delete(c.pending, step)
	c.mu.Unlock()
}

// deferOffline keeps an offline exchange of an open step for the step's
// node's transaction; false when the step is not open here.
func (s *Store) deferOffline(call Call) bool {
	c := &s.claims
	c.mu.Lock()
	defer c.mu.Unlock()
	if call.Provider != OfflineProvider || !c.open[call.Step] {
		return false
	}
	if call.CreatedAt.IsZero() {
		call.CreatedAt = time.Now()
	}
	c.offline[call.Step] = append(c.offline[call.Step], call)
	return true
}

// deferred returns the offline exchanges kept for step.
func (s *Store) deferred(step int64) []Call {
	c := &s.claims
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.offline[step]
}

// closeClaim forgets a step stored or released, and its kept exchanges.
func (s *Store) closeClaim(step int64) {
	c := &s.claims
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.pending, step)
	delete(c.open, step)
	delete(c.offline, step)
}

// insertCalls writes calls inside tx with the times they were made.
func (s *Store) insertCalls(ctx context.Context, tx *sql.Tx, calls []Call) error {
	if len(calls) == 0 {
		return nil
	}
	insert := tx.StmtContext(ctx, s.statements.insertCall)
	for _, c := range calls {
		if _, err := insert.ExecContext(ctx, c.Step, c.Role, c.Provider, c.Model, c.PromptTokens, c.CompletionTokens,
			c.CostUSD, c.Latency.Milliseconds(), c.Prompt, c.Reply, c.Error, timestamp(c.CreatedAt)); err != nil {
			return err
		}
	}
	return nil
}

// ReleaseAbandoned marks every running step as abandoned (this process's
// claims included), and every step number below the highest stored that
// has no row (a step that died before it stored anything), so ClaimStep hands them out again; it
// returns how many steps wait to be run again. Call it once when a
// campaign (re)starts, before any worker claims a step.
func (s *Store) ReleaseAbandoned(ctx context.Context) (int, error) {
	c := &s.claims
	c.serial.Lock()
	defer c.serial.Unlock()
	c.mu.Lock()
	pending := maps.Clone(c.pending)
	c.mu.Unlock()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE steps SET status = 'abandoned' WHERE status = 'running'`); err != nil {
			return err
		}
		gaps, err := stepGaps(ctx, tx)
		if err != nil {
			return err
		}
		claimed := now()
		for _, step := range gaps {
			if _, err := tx.ExecContext(ctx, `INSERT INTO steps (step, status, claimed_at) VALUES (?, 'abandoned', ?)`, step, claimed); err != nil {
				return err
			}
		}
		// This process's own claims without a row are running too.
		for step, at := range pending {
			if _, err := tx.ExecContext(ctx, `INSERT INTO steps (step, status, claimed_at) VALUES (?, 'abandoned', ?)
				ON CONFLICT (step) DO NOTHING`, step, at); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("release abandoned steps: %w", err)
	}
	c.mu.Lock()
	c.loaded = false
	c.mu.Unlock()
	if err := c.load(ctx, s.db); err != nil {
		return 0, fmt.Errorf("release abandoned steps: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.retry), nil
}

// stepGaps lists the step numbers below the highest in the steps table
// that have no row. Rows are few bytes each, so reading the keys is cheap
// even for a million steps.
func stepGaps(ctx context.Context, tx *sql.Tx) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT step FROM steps ORDER BY step`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var gaps []int64
	want := int64(0)
	for rows.Next() {
		var step int64
		if err := rows.Scan(&step); err != nil {
			return nil, err
		}
		for ; want < step; want++ {
			gaps = append(gaps, want)
		}
		want = step + 1
	}
	return gaps, rows.Err()
}

// ReleaseStep returns one claimed step to the pool (its run was cut
// short): it is handed out again before any new step.
func (s *Store) ReleaseStep(ctx context.Context, step int64) error {
	c := &s.claims
	c.serial.Lock()
	defer c.serial.Unlock()
	// The offline exchanges of the attempt stay on record, as a model's do.
	if calls := s.deferred(step); len(calls) > 0 {
		if err := s.inTx(ctx, func(tx *sql.Tx) error { return s.insertCalls(ctx, tx, calls) }); err != nil {
			return fmt.Errorf("release step %d: %w", step, err)
		}
	}
	c.mu.Lock()
	delete(c.open, step)
	delete(c.offline, step)
	claimed, pending := c.pending[step]
	c.mu.Unlock()
	var err error
	if pending {
		// Written, so a crash before it is claimed again still re-runs it.
		_, err = s.db.ExecContext(ctx, `INSERT INTO steps (step, status, claimed_at) VALUES (?, 'abandoned', ?)
			ON CONFLICT (step) DO UPDATE SET status = 'abandoned' WHERE status = 'running'`, step, claimed)
	} else {
		var res sql.Result
		res, err = s.db.ExecContext(ctx, `UPDATE steps SET status = 'abandoned' WHERE step = ? AND status = 'running'`, step)
		if err == nil {
			if n, _ := res.RowsAffected(); n == 0 {
				return nil // done, or not this process's
			}
		}
	}
	if err != nil {
		return fmt.Errorf("release step %d: %w", step, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.pending, step)
	if c.loaded && !slices.Contains(c.retry, step) {
		i, _ := slices.BinarySearch(c.retry, step)
		c.retry = slices.Insert(c.retry, i, step)
	}
	return nil
}
