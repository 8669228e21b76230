package command

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/asi-evolve/asi/core/store"
)

// TestResumeOldCampaign opens a campaign written by the previous release
// (testdata/old-campaign: 12 steps of old-campaign.hcl run by asi 7a2c563)
// with the current code: the read-only verbs read it, and apply resumes it
// without touching the nodes already stored.
func TestResumeOldCampaign(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real campaign")
	}
	src := filepath.Join(testdataDir(t), "old-campaign")
	t.Chdir(t.TempDir())
	dir := filepath.Join(t.TempDir(), "state")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// Copied, so the fixture stays as the old release wrote it.
	data, err := os.ReadFile(filepath.Join(src, "campaign.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "campaign.db"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(src, "old-campaign.hcl")
	before := storedNodes(t, dir)
	if len(before) != 13 { // the initial program and 12 steps
		t.Fatalf("fixture holds %d nodes, want 13", len(before))
	}

	stdout, stderr, code := run(t, "status", "-state", dir)
	if code != exitOK || !strings.Contains(stdout, "12 of 12 done") {
		t.Fatalf("status: exit %d\n%s\n%s", code, stdout, stderr)
	}
	stdout, stderr, code = run(t, "best", "-state", dir, "-json")
	var best struct {
		ID    int64
		Code  string
		Score float64
	}
	if code != exitOK || json.Unmarshal([]byte(stdout), &best) != nil || !strings.Contains(best.Code, "EVOLVE-BLOCK-START") {
		t.Fatalf("best: exit %d\n%s\n%s", code, stdout, stderr)
	}
	checkBestIsStored(t, dir, best.ID, best.Score)

	stdout, stderr, code = run(t, "apply", "-json", "-state", dir, "-steps", "16", file)
	if code != exitOK || !strings.Contains(stdout, `"steps_done": 16`) {
		t.Fatalf("resume: exit %d\n%s\n%s", code, stdout, stderr)
	}
	after := storedNodes(t, dir)
	if len(after) <= len(before) {
		t.Fatalf("resume added no node: %d before, %d after", len(before), len(after))
	}
	// Old nodes are immutable: same code, same scores, same everything.
	if diff := cmp.Diff(before, after[:len(before)]); diff != "" {
		t.Fatalf("resume changed old nodes (-before +after):\n%s", diff)
	}
}

func storedNodes(t *testing.T, dir string) []store.Node {
	t.Helper()
	st, err := store.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	nodes, err := st.Nodes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return nodes
}
