package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/plugins/plugintest"
)

// buildAsi compiles the command once for the end-to-end tests.
func buildAsi(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "asi")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("build asi: %v\n%s", err, out)
	}
	// The task plugins go beside the binary, as `make build` puts them.
	if err := plugintest.BuildTasks(filepath.Dir(bin)); err != nil {
		t.Fatal(err)
	}
	return bin
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// TestExamplesApply applies every campaign in hcl-examples/ offline with a
// small step budget, so that the examples cannot rot.
func TestExamplesApply(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real campaigns")
	}
	bin := buildAsi(t)
	files, _ := filepath.Glob(filepath.Join(repoRoot(t), "hcl-examples", "*.hcl"))
	if len(files) == 0 {
		t.Fatal("no examples found")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			dir := t.TempDir()
			for d := dir; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
				_ = os.Chmod(d, 0o711) // executor jobs run as nobody when the tests are root
			}
			cmd := exec.Command(bin, "apply", "-steps", "3", "-state", filepath.Join(dir, "state"), f)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "OPENAI_API_KEY=", "OPENAI_BASE_URL=")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("apply %s: %v\n%s", f, err, out)
			}
			if !strings.Contains(string(out), "3 of 3 done") {
				t.Fatalf("apply %s did not run 3 steps:\n%s", f, out)
			}
			if filepath.Base(f) == "linear-attention.hcl" {
				checkStagesRecorded(t, filepath.Join(dir, "state"))
			}
		})
	}
}

// checkStagesRecorded checks that every node of a linear-attention
// campaign records each stage it reached: a valid node the check, explore
// and verify stages' metrics, a refused one the reason.
func checkStagesRecorded(t *testing.T, state string) {
	t.Helper()
	st, err := store.Open(context.Background(), state)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	nodes, err := st.Nodes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	valid := 0
	for _, n := range nodes {
		if !n.Valid {
			if n.Feedback == "" && n.Error == "" {
				t.Errorf("node %d is invalid with no reason recorded", n.ID)
			}
			continue
		}
		valid++
		for _, m := range []string{"check_seconds", "check_scaling_exponent", "explore_mqar_acc", "explore_val_loss", "explore_score", "verify_skipped"} {
			if _, ok := n.Metrics[m]; !ok {
				t.Errorf("node %d lacks %s: %v", n.ID, m, n.Metrics)
			}
		}
	}
	if valid == 0 {
		t.Errorf("no valid node among %d: the initial DeltaNet should pass every stage", len(nodes))
	}
}

const killCampaign = `
campaign "kill" {
  task    = "circlepacking"
  workers = 2
  budget {
    steps = %d
  }
}
`

// TestSIGKILLResume kills asi apply mid-run with SIGKILL and applies again:
// the campaign must continue with no node lost, none stored twice and the
// step count right.
func TestSIGKILLResume(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real campaign")
	}
	const steps = 14
	bin, file, state := writeCampaign(t, steps)
	ctx := context.Background()

	cmd := exec.Command(bin, "apply", "-state", state, file)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitForNodes(t, cmd, state, 4)
	// Kill without warning.
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	killedAt := countNodes(t, state)
	if killedAt > steps {
		t.Fatalf("campaign finished before the kill (%d nodes): make it longer", killedAt)
	}

	out, err := exec.Command(bin, "apply", "-state", state, file).CombinedOutput()
	if err != nil {
		t.Fatalf("second apply: %v\n%s", err, out)
	}
	st, err := store.Open(ctx, state)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	nodes, err := st.Nodes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int64]int64{}
	for _, n := range nodes {
		if other, dup := seen[n.Step]; dup {
			t.Fatalf("step %d stored twice (nodes %d and %d)", n.Step, other, n.ID)
		}
		seen[n.Step] = n.ID
	}
	for s := int64(0); s <= steps; s++ {
		if _, ok := seen[s]; !ok {
			t.Fatalf("step %d lost after the kill", s)
		}
	}
	if len(nodes) != steps+1 {
		t.Fatalf("%d nodes, want %d", len(nodes), steps+1)
	}
	counts, err := st.Steps(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts.Running != 0 || counts.Abandoned != 0 || counts.Done != steps+1 {
		t.Fatalf("step table after resume = %+v", counts)
	}
	if !strings.Contains(string(out), fmt.Sprintf("%d of %d done", steps, steps)) {
		t.Fatalf("second apply output:\n%s", out)
	}
	t.Logf("killed with %d nodes stored; resumed to %d", killedAt, len(nodes))
}

// writeCampaign builds asi and writes a campaign of the given step budget;
// it returns the binary, the campaign file and its state directory.
func writeCampaign(t *testing.T, steps int) (bin, file, state string) {
	t.Helper()
	bin = buildAsi(t)
	dir := t.TempDir()
	file = filepath.Join(dir, "campaign.hcl")
	if err := os.WriteFile(file, []byte(fmt.Sprintf(killCampaign, steps)), 0o644); err != nil {
		t.Fatal(err)
	}
	return bin, file, filepath.Join(dir, "state")
}

// waitForNodes waits until the running apply has stored n nodes.
func waitForNodes(t *testing.T, cmd *exec.Cmd, state string, n int) {
	t.Helper()
	for deadline := time.Now().Add(3 * time.Minute); countNodes(t, state) < n; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("campaign made no progress")
		}
	}
}

func countNodes(t *testing.T, state string) int {
	t.Helper()
	if _, err := os.Stat(filepath.Join(state, store.FileName)); err != nil {
		return 0
	}
	st, err := store.Open(context.Background(), state)
	if err != nil {
		return 0 // the writer may be creating it
	}
	defer st.Close()
	c, err := st.Steps(context.Background())
	if err != nil {
		return 0
	}
	return c.Done
}

// TestInterruptStopsCleanly sends one SIGINT: apply finishes the steps in
// flight, leaves none unfinished, and exits 0; a second apply carries on.
func TestInterruptStopsCleanly(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real campaign")
	}
	const steps = 40
	bin, file, state := writeCampaign(t, steps)
	cmd := exec.Command(bin, "apply", "-state", state, file)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitForNodes(t, cmd, state, 3)
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("apply after one interrupt: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "stopped:    interrupted") {
		t.Fatalf("output:\n%s", out.String())
	}
	st, err := store.Open(context.Background(), state)
	if err != nil {
		t.Fatal(err)
	}
	counts, err := st.Steps(context.Background())
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	if counts.Running != 0 || counts.Abandoned != 0 || counts.Done >= steps+1 {
		t.Fatalf("after a clean stop: %+v", counts)
	}
}
