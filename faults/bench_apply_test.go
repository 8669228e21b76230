package faults

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/asi-evolve/asi/internal/sqlitedb"
)

// BenchmarkApplySteady runs `asi apply -json` of the fault suite's instant
// task plugin (gRPC, no sleep) with one worker, and with one per core
// (workers=N), and the offline researcher
// and analyzer, resuming a campaign of realistic nodes (filledStore's: a
// circle-packing program and 1 to 3 KB of prose each), for b.N more steps.
// A filled store holds no campaign name yet, so apply takes it as the
// campaign's own and resumes after its last step. steps/s counts the
// whole process (start, resume, the steps, the report, the plugin's stop);
// steady-steps/s counts from the first node this run stores to the last,
// by their stored times; resume-s is the time from starting the process to
// its first stored node. With ASI_CPUPROFILE set, asi writes its CPU
// profile there (see cmd/asi); each run overwrites it, so with
// -benchtime Nx it holds the N-step run's.
func BenchmarkApplySteady(b *testing.B) {
	const size = 10_000
	for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
		name := fmt.Sprintf("nodes=%d", size)
		if workers > 1 {
			name += fmt.Sprintf("/workers=%d", workers)
		}
		b.Run(name, func(b *testing.B) {
			// size-1 steps are stored; the run adds b.N more.
			file, _ := campaign(b, size-1+b.N, workers, "", "")
			st := filledStore(b, size)
			state := st.Dir()
			if err := st.Close(); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			start := time.Now()
			if out, err := asi(b, 10*time.Minute, nil, "apply", "-json", "-state", state, file); err != nil {
				b.Fatalf("apply: %v\n%s", err, out)
			}
			whole := time.Since(start)
			b.StopTimer()
			first, last, n := storedTimes(b, state, size)
			if n != b.N {
				b.Fatalf("the run stored %d nodes, want %d", n, b.N)
			}
			b.ReportMetric(float64(b.N)/whole.Seconds(), "steps/s")
			b.ReportMetric(first.Sub(start).Seconds(), "resume-s")
			if b.N > 1 {
				b.ReportMetric(float64(b.N-1)/last.Sub(first).Seconds(), "steady-steps/s")
			}
		})
		if runtime.GOMAXPROCS(0) == 1 {
			break
		}
	}
}

// storedTimes reads when the first and the last node of step fromStep or
// later were stored, and how many there are.
func storedTimes(b *testing.B, state string, fromStep int) (first, last time.Time, n int) {
	b.Helper()
	db, err := sql.Open(sqlitedb.DriverName, filepath.Join(state, "campaign.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT created_at FROM nodes WHERE step >= ?", fromStep)
	if err != nil {
		b.Fatalf("%s: %v", state, err)
	}
	defer rows.Close()
	for rows.Next() {
		var at string
		if err := rows.Scan(&at); err != nil {
			b.Fatalf("%s: %v", state, err)
		}
		// Parsed, not compared as text: RFC 3339 with nanoseconds drops
		// trailing zeros, so the text does not order as the time.
		t, err := time.Parse(time.RFC3339Nano, at)
		if err != nil {
			b.Fatalf("%s: node time: %v", state, err)
		}
		if n == 0 || t.Before(first) {
			first = t
		}
		if n == 0 || t.After(last) {
			last = t
		}
		n++
	}
	if err := rows.Err(); err != nil {
		b.Fatalf("%s: %v", state, err)
	}
	return first, last, n
}
