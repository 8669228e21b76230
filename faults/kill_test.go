package faults

import (
	"bytes"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRandomSIGKILLs kills `asi apply` with SIGKILL at a random moment 20
// times in one campaign (2 workers, evaluations of 30 ms, so kills land in
// plugin start, evaluation and commit alike), then lets the last apply
// finish. The budget must be spent exactly: every step 0..N stored once,
// nothing left running, and SQLite's integrity check passing after every
// kill. At least one kill must land while a step is in flight (claimed, not
// yet stored), and the resumed runs must run such a step again.
//
// The kill times come from a seed drawn from the clock and logged; set
// ASI_TEST_SEED to replay a run.
func TestRandomSIGKILLs(t *testing.T) {
	if testing.Short() {
		t.Skip("kills real campaigns")
	}
	// 1,000 steps of 30 ms on 2 workers take 15 s: more than 20 kills
	// of at most 0.8 s each can spend, on an idle machine too.
	const steps, kills = 1000, 20
	file, state := campaign(t, steps, 2, "sleep_ms = 30", "")
	seed := testSeed(t)
	rng := rand.New(rand.NewPCG(seed, 7))
	midStep := 0                    // kills that left a step this run claimed unfinished
	inFlight := map[[2]int64]bool{} // steps left running by the kill before
	for i := range kills {
		delay := time.Duration(100+rng.IntN(700)) * time.Millisecond
		cmd := exec.Command(asiBin(), "apply", "-state", state, file)
		cmd.Env = append(os.Environ(), "ASI_PLUGIN_DIR="+binDir, "OPENAI_API_KEY=")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		if err == nil {
			t.Fatalf("kill %d: apply finished before the kill after %s; make the budget larger:\n%s", i, delay, out.String())
		}
		if _, statErr := os.Stat(filepath.Join(state, "campaign.db")); statErr == nil {
			checkDatabase(t, state, -1)
			// A step this run claimed (a new step, or an old one claimed
			// again, which counts an attempt) and did not store.
			now := running(t, state)
			for claim := range now {
				if !inFlight[claim] {
					midStep++
					break
				}
			}
			inFlight = now
		}
	}
	if midStep == 0 {
		t.Fatalf("seed %d: none of %d kills landed while a step was in flight", seed, kills)
	}
	before := checkDatabase(t, state, -1)
	out, err := asi(t, 2*time.Minute, nil, "apply", "-state", state, file)
	if err != nil {
		t.Fatalf("apply after %d kills: %v\n%s", kills, err, out)
	}
	if !strings.Contains(out, fmt.Sprintf("%d of %d done", steps, steps)) {
		t.Fatalf("final apply did not report the whole budget:\n%s", out)
	}
	checkDatabase(t, state, steps)
	db := openDB(t, state)
	defer db.Close()
	var rerun int
	if err := db.QueryRow("SELECT COUNT(*) FROM steps WHERE attempts > 1").Scan(&rerun); err != nil {
		t.Fatal(err)
	}
	if rerun == 0 {
		t.Fatalf("seed %d: %d kills left a step unfinished, yet no step was run a second time", seed, midStep)
	}
	t.Logf("%d nodes stored across %d killed runs (%d killed mid-step, %d steps run again); the last run stored the rest",
		before, kills, midStep, rerun)
}

// testSeed returns $ASI_TEST_SEED, or a seed drawn from the clock, and logs
// it so that a failing run can be replayed.
func testSeed(t *testing.T) uint64 {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("ASI_TEST_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("ASI_TEST_SEED=%q: %v", s, err)
		}
	}
	t.Logf("seed %d (replay with ASI_TEST_SEED=%d)", seed, seed)
	return seed
}

// running returns the steps left running, each as (step, attempts).
func running(t *testing.T, state string) map[[2]int64]bool {
	t.Helper()
	db := openDB(t, state)
	defer db.Close()
	rows, err := db.Query("SELECT step, attempts FROM steps WHERE status = 'running'")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[[2]int64]bool{}
	for rows.Next() {
		var claim [2]int64
		if err := rows.Scan(&claim[0], &claim[1]); err != nil {
			t.Fatal(err)
		}
		out[claim] = true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// openDB opens the campaign database for a query; the caller closes it.
func openDB(t *testing.T, state string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(state, "campaign.db"))
	if err != nil {
		t.Fatal(err)
	}
	return db
}
