package store

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/asi-evolve/asi/internal/sqlitedb"
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
		err := s.inBatch(context.Background(), func(tx *sql.Tx) error {
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
	lastTx := map[int]*sql.Tx{} // write → the transaction it last ran in
	errs := make([]error, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.inBatch(context.Background(), func(tx *sql.Tx) error {
				mu.Lock()
				lastTx[i] = tx
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
	// The failed write undid the batch's first attempt; each write ran
	// last in the attempt that committed.
	txs := map[*sql.Tx]bool{}
	for _, tx := range lastTx {
		txs[tx] = true
	}
	if len(txs) != 1 {
		t.Errorf("%d writes queued during a batch last ran in %d transactions, want 1", writers, len(txs))
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
		wrote <- s.inBatch(context.Background(), func(tx *sql.Tx) error {
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

// TestBatchesTakeTheEarliestReadyFirst checks that a batch carries at
// most maxBatch writes, those of the work ready earliest (its turn began
// first) first, and that every write returns, the leader's too when its
// own write is not in the first batch it runs.
func TestBatchesTakeTheEarliestReadyFirst(t *testing.T) {
	s := openTest(t)
	b := &s.batcher
	queued := func() int {
		b.mu.Lock()
		defer b.mu.Unlock()
		return len(b.queue)
	}
	var mu sync.Mutex
	var order []int64              // writers in the order their writes ran
	batchOf := map[int64]*sql.Tx{} // writer → the transaction its write ran in
	record := func(writer int64) func(*sql.Tx) error {
		return func(tx *sql.Tx) error {
			mu.Lock()
			order = append(order, writer)
			batchOf[writer] = tx
			mu.Unlock()
			_, err := tx.Exec(`INSERT INTO events (step, kind, message, created_at) VALUES (?, 'x', 'm', 't')`, writer)
			return err
		}
	}
	// A writer's turn began at its number (in nanoseconds): writers 100…
	// were ready before writers 1000…
	turnOf := func(writer int64) context.Context {
		turn := new(Turn)
		turn.began.Store(writer)
		return WithTurn(context.Background(), turn)
	}
	// Later-ready writers queue first, then earlier ones, all while the
	// first write's batch runs: the first writer queued leads next, and its
	// write, ready later, is not in the batch it runs first.
	later := make([]int64, maxBatch+5)
	earlier := make([]int64, maxBatch+3)
	for i := range later {
		later[i] = int64(1000 + i)
	}
	for i := range earlier {
		earlier[i] = int64(100 + i)
	}
	release := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 1+len(later)+len(earlier))
	wg.Add(1)
	go func() {
		defer wg.Done()
		errs <- s.inBatch(turnOf(5000), func(tx *sql.Tx) error {
			<-release
			return record(5000)(tx)
		})
	}()
	for !b.busy() {
		time.Sleep(time.Millisecond)
	}
	for _, writers := range [][]int64{later, earlier} {
		for _, writer := range writers {
			want := queued() + 1
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- s.inBatch(turnOf(writer), record(writer))
			}()
			for queued() < want {
				time.Sleep(time.Millisecond)
			}
		}
	}
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	sizes := map[*sql.Tx]int{}
	for _, tx := range batchOf {
		sizes[tx]++
	}
	for _, n := range sizes {
		if n > maxBatch {
			t.Errorf("a batch carried %d writes, want at most %d", n, maxBatch)
		}
	}
	if len(order) != 1+len(later)+len(earlier) {
		t.Fatalf("%d writes ran, want %d", len(order), 1+len(later)+len(earlier))
	}
	// After the held write, every earlier-ready write runs before any
	// later one, and the earliest maxBatch together.
	ran := order[1:]
	for i, writer := range ran[:len(earlier)] {
		if writer >= 1000 {
			t.Fatalf("write %d ran writer %d before the earlier-ready writes were done (order %v)", i, writer, ran)
		}
	}
	for _, writer := range earlier[:maxBatch] {
		if batchOf[writer] != batchOf[earlier[0]] {
			t.Errorf("writer %d did not share the earliest writer's batch", writer)
		}
	}
}

// TestCommitsReachTheDatabaseFile checks that the checkpointer copies
// committed writes from the WAL into the database file soon after they
// commit (SQLite's own checkpoint waits for thousands of pages): read
// from a copy of the database file alone, a committed node is there.
func TestCommitsReachTheDatabaseFile(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	if _, err := s.Commit(ctx, &Node{Step: 0, Status: StatusOK, Code: "package main"}, nil, nil); err != nil {
		t.Fatal(err)
	}
	copied := filepath.Join(t.TempDir(), FileName)
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		content, err := os.ReadFile(filepath.Join(s.Dir(), FileName))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(copied, content, 0o644); err != nil {
			t.Fatal(err)
		}
		db, err := sql.Open(sqlitedb.DriverName, "file:"+copied+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		var nodes int
		err = db.QueryRow(`SELECT COUNT(*) FROM nodes`).Scan(&nodes)
		db.Close()
		if err == nil && nodes == 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the database file alone holds %d nodes (%v) 20 s after a commit, want 1", nodes, err)
		}
	}
}
