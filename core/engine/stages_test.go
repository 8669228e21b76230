package engine

import (
	"sync"
	"testing"
	"time"
)

func TestStageTimerEstimatesLaterStages(t *testing.T) {
	var st stageTimer
	st.add(0, time.Second)
	st.add(1, 2*time.Second)
	st.add(1, 4*time.Second) // stage 1's mean: 3s
	st.add(3, 10*time.Second)
	tests := []struct {
		name          string
		stage, stages int
		want          time.Duration
	}{
		{"after stage 0 of 2", 0, 2, 3 * time.Second},
		{"after stage 0 of 4: stage 2 never ran", 0, 4, 13 * time.Second},
		{"after the last stage", 1, 2, 0},
		{"stages beyond what ran", 3, 6, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := st.after(tt.stage, tt.stages); got != tt.want {
				t.Fatalf("after(%d, %d) = %v, want %v", tt.stage, tt.stages, got, tt.want)
			}
		})
	}
}

// TestStageTimerIsSafeConcurrently has workers time stages at once, as
// evaluations do; without the timer's lock the race detector (go test
// -race) reports it, and counts may be lost.
func TestStageTimerIsSafeConcurrently(t *testing.T) {
	var st stageTimer
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for range 500 {
				st.add(1+w%2, time.Millisecond)
				st.after(0, 3)
			}
		})
	}
	wg.Wait()
	if st.n[1] != 2000 || st.n[2] != 2000 || st.after(0, 3) != 2*time.Millisecond {
		t.Fatalf("counted %v runs, estimate %v; want 2000 runs per stage, 2ms", st.n, st.after(0, 3))
	}
}
