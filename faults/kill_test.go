package faults

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
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
// kill.
func TestRandomSIGKILLs(t *testing.T) {
	if testing.Short() {
		t.Skip("kills real campaigns")
	}
	const steps, kills = 300, 20
	file, state := campaign(t, steps, 2, "sleep_ms = 30", "")
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
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
		}
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
	t.Logf("%d nodes stored across %d killed runs; the last run stored the rest", before, kills)
}
