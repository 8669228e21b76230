package command

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestApplyOfflineReportsNoModelUsage: an offline campaign's report names
// the offline roles and counts no LLM calls or tokens for them.
func TestApplyOfflineReportsNoModelUsage(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real campaign")
	}
	file := filepath.Join(testdataDir(t), "small.hcl")
	t.Chdir(t.TempDir())
	stdout, stderr, code := run(t, "apply", file)
	if code != exitOK {
		t.Fatalf("apply: exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"llm:        no model called\n", "offline:    researcher, analyzer (no model)\n"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("report lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "tokens") || strings.Contains(stdout, " calls") {
		t.Errorf("report counts calls or tokens:\n%s", stdout)
	}
	if !strings.Contains(stderr, "offline:    researcher, analyzer") {
		t.Errorf("the header does not say which roles run offline:\n%s", stderr)
	}
}

// TestApplyInitialFailure: a campaign whose initial program fails says so
// and why, and leaves no step unfinished.
func TestApplyInitialFailure(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real campaign")
	}
	file := filepath.Join(testdataDir(t), "initial-fails.hcl")
	t.Chdir(t.TempDir())
	for attempt := range 2 { // the second apply finds the failed initial node
		stdout, stderr, code := run(t, "apply", file)
		if code != exitError {
			t.Fatalf("apply %d: exit %d, want 1\n%s\n%s", attempt, code, stdout, stderr)
		}
		for _, want := range []string{
			"stopped:    the initial program failed",
			"initial:    failed (node 1): stage \"run\": invalid candidate: the program failed (out_of_memory)",
		} {
			if !strings.Contains(stdout, want) {
				t.Errorf("apply %d: report lacks %q:\n%s", attempt, want, stdout)
			}
		}
		if strings.Contains(stdout, "unfinished") || strings.Contains(stdout, "= failed") {
			t.Errorf("apply %d: report shows unfinished steps or scores the initial program as failed:\n%s", attempt, stdout)
		}
		if !strings.Contains(stderr, "Error: the initial program failed (node 1): ") || !strings.Contains(stderr, "over the limit of 1MiB") {
			t.Errorf("apply %d: error does not say why the initial program failed:\n%s", attempt, stderr)
		}
	}
}
