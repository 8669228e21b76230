package faults

import (
	"bytes"
	"database/sql"
	"errors"
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

	"github.com/asi-evolve/asi/internal/sqlitedb"
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
	evalLog := filepath.Join(t.TempDir(), "evaluations")
	file, state := campaign(t, steps, 2, fmt.Sprintf("sleep_ms = 30\n  eval_log_file = %q", evalLog), "")
	seed := testSeed(t)
	rng := rand.New(rand.NewPCG(seed, 7))
	// A kill lands mid-step when an evaluation it interrupted started and
	// its node was not stored: the plugin logs each evaluation's node as
	// it starts. Such a step must be run again by a later apply.
	cut := map[int64]bool{} // nodes whose evaluation a kill interrupted
	midStep, logged := 0, 0
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
		started := evaluationsSince(t, evalLog, &logged)
		if _, statErr := os.Stat(filepath.Join(state, "campaign.db")); statErr == nil {
			checkDatabase(t, state, -1)
			stored := storedIDs(t, state)
			interrupted := false
			for _, id := range started {
				if !stored[id] {
					cut[id], interrupted = true, true
				}
			}
			if interrupted {
				midStep++
			}
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
	// Every interrupted step was evaluated again, and stored (checkDatabase).
	again := map[int64]int{}
	for _, id := range evaluationsSince(t, evalLog, new(int)) {
		again[id]++
	}
	rerun := 0
	for id := range cut {
		if again[id] < 2 {
			t.Errorf("node %d: its evaluation was cut by a kill and never run again", id)
		}
		rerun++
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

// evaluationsSince returns the node ids the plugin logged from line *seen
// on, and moves *seen past them.
func evaluationsSince(t *testing.T, file string, seen *int) []int64 {
	t.Helper()
	data, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	if n := len(lines); n > 0 && !strings.HasSuffix(string(data), "\n") {
		lines = lines[:n-1] // a line still being written
	}
	var ids []int64
	for _, line := range lines[min(*seen, len(lines)):] {
		if line == "" {
			continue
		}
		id, err := strconv.ParseInt(line, 10, 64)
		if err != nil {
			t.Fatalf("evaluation log line %q: %v", line, err)
		}
		ids = append(ids, id)
	}
	*seen = len(lines)
	if *seen > 0 && lines[*seen-1] == "" {
		*seen--
	}
	return ids
}

// storedIDs returns the ids of the stored nodes.
func storedIDs(t *testing.T, state string) map[int64]bool {
	t.Helper()
	db := openDB(t, state)
	defer db.Close()
	rows, err := db.Query("SELECT id FROM nodes")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	ids := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids[id] = true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return ids
}

// openDB opens the campaign database for a query; the caller closes it.
func openDB(t *testing.T, state string) *sql.DB {
	t.Helper()
	db, err := sql.Open(sqlitedb.DriverName, filepath.Join(state, "campaign.db"))
	if err != nil {
		t.Fatal(err)
	}
	return db
}
