package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sync"
	"time"
)

// batcher commits the writes of concurrent steps together (group commit).
// A step's node and its LLM calls are each a write of their own, and each
// caller returns only once its write is committed, so nothing is less
// durable; but when many workers write at once, one transaction carries
// up to maxBatch of their writes and SQLite's cost of a commit (the WAL
// frames of the index pages every write touches, the system calls) is
// paid once for them. With one worker every batch holds one write.
//
// The first writer to find no batch running leads: it takes the queued
// writes of the work ready earliest (take, Turn), runs them in one
// transaction (runBatch: one write that fails leaves the others), commits,
// and repeats until its own write was in a batch; then it hands the lead
// to the first writer queued meanwhile.
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
	ready time.Duration // when the writing work became ready (readySince): earlier goes first
	fn    func(*sql.Tx) error
	done  chan error    // the write's outcome, once its batch committed
	lead  chan struct{} // closed when this writer is to lead the next batch
}

// maxBatch caps the writes one transaction carries. A batch's writes all
// return when it commits, so with a thousand steps writing at once an
// uncapped batch would hold every one of them until the last is written;
// capped, the steps first served move on (to their evaluations) while the
// rest are written.
const maxBatch = 32

// take removes the next batch from the queue: the writes of the work
// ready earliest first (see Turn), so a worker that has begun storing
// finishes before the workers behind it begin (serving the earliest
// ready first lets each worker out to its next evaluation as soon as the
// writes it waits for are done, instead of every worker's first write,
// then every worker's second). Callers hold b.mu.
func (b *batcher) take() []*write {
	if len(b.queue) <= maxBatch {
		batch := b.queue
		b.queue = nil
		return batch
	}
	slices.SortStableFunc(b.queue, func(x, y *write) int { return cmp.Compare(x.ready, y.ready) })
	batch := slices.Clone(b.queue[:maxBatch])
	b.queue = slices.Delete(b.queue, 0, maxBatch)
	return batch
}

// inBatch runs fn, a write made with ctx (whose Turn orders it), in a
// transaction shared with the writes of other callers, and returns once
// that transaction has committed (nil) or fn's own changes were undone
// (its error). fn must not keep the transaction.
func (s *Store) inBatch(ctx context.Context, fn func(*sql.Tx) error) error {
	b := &s.batcher
	w := &write{ready: readySince(ctx), fn: fn, done: make(chan error, 1), lead: make(chan struct{})}
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
	// The leader runs batches until its own write is in one: a batch need
	// not take it first.
	for {
		b.mu.Lock()
		batch := b.take()
		b.mu.Unlock()
		s.runBatch(batch)
		select {
		case err := <-w.done:
			b.handOff()
			return err
		default:
		}
	}
}

// handOff ends a leader's turn: the first writer queued leads next, or
// with none queued, no batch runs.
func (b *batcher) handOff() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.queue) > 0 {
		close(b.queue[0].lead) // stays active: the next leader takes over
	} else {
		b.active = false
	}
}

// runBatch runs the writes in one transaction and tells each its outcome.
// Commits are not cancelled: a write's caller has done its work.
//
// The writes first run one after another with nothing between them. Only
// if one fails are they run again, each in a savepoint, so that just the
// failed one is undone: a savepoint copies every page its write changes to
// SQLite's sub-journal first (a temporary file once it outgrows 64 KiB),
// a cost a batch pays only when a write fails. A write's function touches
// nothing but its transaction, so running it again is safe.
func (s *Store) runBatch(batch []*write) {
	ctx := context.Background()
	outcome := make([]error, len(batch))
	err := s.runWrites(ctx, batch, outcome, false)
	if len(batch) > 1 && slices.ContainsFunc(outcome, func(e error) bool { return e != nil }) {
		clear(outcome)
		err = s.runWrites(ctx, batch, outcome, true)
	}
	if err == nil {
		s.checkpoints.Nudge()
	}
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

// runWrites runs the writes in one transaction and sets each one's error
// in outcome. Isolated, each runs in a savepoint, undone alone if it
// fails; otherwise the first that fails ends the transaction, undoing all.
func (s *Store) runWrites(ctx context.Context, batch []*write, outcome []error, isolated bool) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for i, w := range batch {
			if !isolated {
				if outcome[i] = w.fn(tx); outcome[i] != nil {
					return outcome[i]
				}
				continue
			}
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
}
