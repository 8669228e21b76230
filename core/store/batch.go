package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// batcher commits the writes of concurrent steps together (group commit).
// A step's node and its LLM calls are each a write of their own, and each
// caller returns only once its write is committed, so nothing is less
// durable; but when many workers write at once, one transaction carries
// all their writes and SQLite's cost of a commit (the WAL frames of the
// index pages every write touches, the system calls) is paid once. With
// one worker every batch holds one write, as before.
//
// The first writer to find no batch running leads: it takes every write
// queued, runs them in one transaction, each inside a savepoint so one
// write that fails leaves the others, commits, and hands the lead to the
// first writer queued meanwhile.
type batcher struct {
	mu     sync.Mutex
	queue  []*write
	active bool // a leader is running a batch
}

// busy reports whether a batch is running, holding the store's writing
// connection.
func (b *batcher) busy() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.active
}

// write is one caller's part of a batch.
type write struct {
	fn   func(*sql.Tx) error
	done chan error    // the write's outcome, once its batch committed
	lead chan struct{} // closed when this writer is to lead the next batch
}

// inBatch runs fn in a transaction shared with the writes of other
// callers, and returns once that transaction has committed (nil) or fn's
// own changes were undone (its error). fn must not keep the transaction.
func (s *Store) inBatch(fn func(*sql.Tx) error) error {
	b := &s.batcher
	w := &write{fn: fn, done: make(chan error, 1), lead: make(chan struct{})}
	b.mu.Lock()
	b.queue = append(b.queue, w)
	leading := !b.active
	if leading {
		b.active = true
	}
	b.mu.Unlock()
	if !leading {
		select {
		case err := <-w.done:
			return err
		case <-w.lead:
		}
	}
	b.mu.Lock()
	batch := b.queue
	b.queue = nil
	b.mu.Unlock()
	s.runBatch(batch)
	b.mu.Lock()
	if len(b.queue) > 0 {
		close(b.queue[0].lead) // stays active: the next leader takes over
	} else {
		b.active = false
	}
	b.mu.Unlock()
	return <-w.done
}

// runBatch runs the writes in one transaction and tells each its outcome.
// Commits are not cancelled: a write's caller has done its work.
func (s *Store) runBatch(batch []*write) {
	ctx := context.Background()
	outcome := make([]error, len(batch))
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if len(batch) == 1 {
			outcome[0] = batch[0].fn(tx)
			return outcome[0]
		}
		for i, w := range batch {
			if _, err := tx.ExecContext(ctx, `SAVEPOINT write`); err != nil {
				return err
			}
			if outcome[i] = w.fn(tx); outcome[i] != nil {
				if _, err := tx.ExecContext(ctx, `ROLLBACK TO write`); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `RELEASE write`); err != nil {
				return err
			}
		}
		return nil
	})
	for i, w := range batch {
		switch {
		case outcome[i] != nil:
			w.done <- outcome[i]
		case err != nil:
			w.done <- fmt.Errorf("commit of %d writes: %w", len(batch), err)
		default:
			w.done <- nil
		}
	}
}
