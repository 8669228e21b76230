package store

import (
	"context"
	"sync/atomic"
	"time"
)

// A Turn orders the writes of concurrent steps: a batch takes first the
// writes of the work that has been ready longest. An engine worker begins
// a turn when its step's evaluation returns (and when it starts), so the
// writes the step waits for (its node) go before the writes of workers
// whose evaluations returned later: each worker goes on to its next
// evaluation in the order it became ready, instead of every worker near
// the end of a round's writes. Writes made without a turn (a model
// call's record, written while its step goes on) are ordered by when
// they were queued.
type Turn struct {
	began atomic.Int64 // time since epoch, in nanoseconds
}

// epoch is the zero of turns: durations since it are monotonic.
var epoch = time.Now()

// Begin starts the turn now.
func (t *Turn) Begin() { t.began.Store(int64(time.Since(epoch))) }

// Began returns when the turn began, as a time since a fixed instant of
// this process: turns compare with each other only.
func (t *Turn) Began() time.Duration { return time.Duration(t.began.Load()) }

type turnKey struct{}

// WithTurn returns ctx whose writes are ordered by t; with t nil, by when
// they are queued.
func WithTurn(ctx context.Context, t *Turn) context.Context {
	return context.WithValue(ctx, turnKey{}, t)
}

// TurnOf returns ctx's turn, or nil.
func TurnOf(ctx context.Context) *Turn {
	t, _ := ctx.Value(turnKey{}).(*Turn)
	return t
}

// readySince returns when the work writing with ctx became ready: its
// turn's beginning, or now.
func readySince(ctx context.Context) time.Duration {
	if t := TurnOf(ctx); t != nil {
		return t.Began()
	}
	return time.Since(epoch)
}
