package sqlitedb

import (
	"context"
	"database/sql"
	"time"
)

// Checkpointer copies a database's WAL into the database file from a
// connection of its own, so the copy and its two fsyncs happen beside the
// writing connection's commits instead of inside one of them (SQLite's
// automatic checkpoint runs in the commit that crosses the threshold,
// holding up every write queued behind it).
//
// Its checkpoints are passive: they never wait for the writer and never
// block it. The writer's automatic checkpoint stays on as the backstop that
// empties the WAL (only a writer can restart it, once everything in it is
// copied); after the checkpointer's copies it finds little left to do.
type Checkpointer struct {
	db    *sql.DB
	pause time.Duration
	wake  chan struct{}
	stop  chan struct{}
	done  chan struct{}
}

// StartCheckpointer opens its connection on file, which Open opened, and
// starts copying whenever Nudge is called, at most once every pause.
func StartCheckpointer(file string, pause time.Duration) (*Checkpointer, error) {
	db, err := sql.Open(DriverName, dsn(file, settings{}))
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	c := &Checkpointer{db: db, pause: pause, wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c, nil
}

// Nudge tells the checkpointer that a commit added to the WAL. It never
// blocks.
func (c *Checkpointer) Nudge() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// Close stops the checkpointer, waiting for a checkpoint in progress, and
// closes its connection. Call it before closing the writing connection,
// so the last connection to close is the writer's (which checkpoints and
// removes the WAL).
func (c *Checkpointer) Close() error {
	close(c.stop)
	<-c.done
	return c.db.Close()
}

func (c *Checkpointer) run() {
	defer close(c.done)
	for {
		select {
		case <-c.wake:
		case <-c.stop:
			return
		}
		// A failed copy (the disk full) loses nothing: the frames stay in
		// the WAL for a later checkpoint, and a full disk fails the writes
		// themselves, which report it.
		c.db.ExecContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`)
		select {
		case <-time.After(c.pause):
		case <-c.stop:
			return
		}
	}
}
