package engine

import (
	"sync"
	"time"
)

// stageTimer keeps the mean run time of each cascade stage, to estimate
// what a threshold stop saved. It is safe for concurrent use; the zero
// stageTimer is ready.
type stageTimer struct {
	mu  sync.Mutex
	sum []time.Duration
	n   []int
}

// add counts one run of stage that took d.
func (t *stageTimer) add(stage int, d time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for len(t.sum) <= stage {
		t.sum, t.n = append(t.sum, 0), append(t.n, 0)
	}
	t.sum[stage] += d
	t.n[stage]++
}

// after estimates the time of the stages after stage, of stages in all,
// from their means; stages never run yet count nothing.
func (t *stageTimer) after(stage, stages int) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	var d time.Duration
	for i := stage + 1; i < stages && i < len(t.sum); i++ {
		if t.n[i] > 0 {
			d += t.sum[i] / time.Duration(t.n[i])
		}
	}
	return d
}
