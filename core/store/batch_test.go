package store

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"
	"time"
)

// Writes made while a batch runs are committed together in the next
// transaction, and a write that fails is undone alone.
func TestConcurrentWritesShareATransaction(t *testing.T) {
	s := openTest(t)
	const writers = 20
	b := &s.batcher
	state := func() (queued int, active bool) {
		b.mu.Lock()
		defer b.mu.Unlock()
		return len(b.queue), b.active
	}
	var wg sync.WaitGroup
	// The first write holds its batch until every other write is queued.
	wg.Add(1)
	go func() {
		defer wg.Done()
		err := s.inBatch(func(tx *sql.Tx) error {
			for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
				if queued, _ := state(); queued == writers {
					break
				}
			}
			_, err := tx.Exec(`INSERT INTO meta (key, value) VALUES ('first', 'x')`)
			return err
		})
		if err != nil {
			t.Error(err)
		}
	}()
	for _, active := state(); !active; _, active = state() {
		time.Sleep(time.Millisecond)
	}
	errFails := errors.New("write 7 fails")
	var mu sync.Mutex
	txs := map[*sql.Tx]bool{}
	errs := make([]error, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.inBatch(func(tx *sql.Tx) error {
				mu.Lock()
				txs[tx] = true
				mu.Unlock()
				if _, err := tx.Exec(`INSERT INTO events (step, kind, message, created_at) VALUES (?, 'x', 'm', 't')`, i); err != nil {
					return err
				}
				if i == 7 {
					return errFails
				}
				return nil
			})
		}()
	}
	wg.Wait()
	if len(txs) != 1 {
		t.Errorf("%d writes queued during a batch ran in %d transactions, want 1", writers, len(txs))
	}
	for i, err := range errs {
		if want := error(nil); i == 7 && !errors.Is(err, errFails) || i != 7 && err != want {
			t.Errorf("write %d: %v", i, err)
		}
	}
	var events int
	var seven bool
	if err := s.db.QueryRow(`SELECT COUNT(*), COALESCE(MAX(step = 7), 0) FROM events`).Scan(&events, &seven); err != nil {
		t.Fatal(err)
	}
	if events != writers-1 || seven {
		t.Errorf("%d events stored (step 7 among them: %v), want %d without the failed write's", events, seven, writers-1)
	}
	if v, err := s.Meta(context.Background(), "first"); err != nil || v != "x" {
		t.Errorf("the first batch's write: %q, %v", v, err)
	}
}

// TestNodeReadDoesNotWaitForAWrite checks that a step reading a stored
// node (its parent, not in memory) does not wait for another step's
// write, which holds the store's one writing connection while it runs.
func TestNodeReadDoesNotWaitForAWrite(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	id, err := s.Commit(ctx, &Node{Step: 0, Status: StatusOK, Code: "package main"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.nodes.Purge()
	writing, release := make(chan struct{}), make(chan struct{})
	wrote := make(chan error, 1)
	go func() {
		wrote <- s.inBatch(func(tx *sql.Tx) error {
			close(writing)
			<-release
			_, err := tx.Exec(`INSERT INTO meta (key, value) VALUES ('held', 'x')`)
			return err
		})
	}()
	<-writing
	read := make(chan error, 1)
	go func() {
		n, err := s.Node(ctx, id)
		if err == nil && n.Code != "package main" {
			err = errors.New("read node has code " + n.Code)
		}
		read <- err
	}()
	select {
	case err := <-read:
		if err != nil {
			t.Error(err)
		}
	case <-time.After(20 * time.Second):
		t.Error("reading a stored node waited for the write in progress")
		defer func() { <-read }()
	}
	close(release)
	if err := <-wrote; err != nil {
		t.Fatal(err)
	}
}
