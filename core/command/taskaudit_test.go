package command

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/plugins/plugintest"
)

// copyExample copies hcl-examples/NAME.hcl and its folder NAME/ into a
// temporary directory and returns the copied campaign file.
func copyExample(t *testing.T, name string) string {
	t.Helper()
	root := filepath.Join("..", "..", "hcl-examples")
	dir := t.TempDir()
	err := filepath.WalkDir(filepath.Join(root, name), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, name+".hcl"))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, name+".hcl")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// TestTaskAuditFindsTheHole: the example evaluator that forgets to check
// that circles are distinct and apart is caught by the offline attacks;
// the audit exits 1, names the attack, and stores the finding where
// `asi status` shows it.
func TestTaskAuditFindsTheHole(t *testing.T) {
	file := copyExample(t, "audit-attacks")
	t.Chdir(filepath.Dir(file))
	stdout, stderr, code := run(t, "task", "audit", "-budget", "10", file)
	if code != exitError {
		t.Fatalf("exit %d, want 1 (a finding); stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"finding(s)", "duplicate-items (library)", "the declared known best", "Stored in " + filepath.Join(".asi", "audit-attacks")} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stderr, "FINDING: valid") {
		t.Errorf("the progress lines do not show the finding:\n%s", stderr)
	}
	stdout, stderr, code = run(t, "status", "-json", "-state", filepath.Join(".asi", "audit-attacks"))
	var status struct {
		Findings []struct {
			Attack string  `json:"attack"`
			Score  float64 `json:"score"`
			Bound  float64 `json:"bound"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(stdout), &status); code != exitOK || err != nil {
		t.Fatalf("status -json: exit %d, %v\n%s\n%s", code, err, stdout, stderr)
	}
	if len(status.Findings) == 0 || status.Findings[0].Score <= status.Findings[0].Bound {
		t.Errorf("status shows findings %+v, want the stored finding above its bound", status.Findings)
	}

	// -json is one object with the findings and their programs.
	stdout, _, code = run(t, "task", "audit", "-json", "-no-store", "-budget", "-1", file)
	var got struct {
		Attempts int `json:"attempts"`
		Findings []struct {
			Attack string `json:"attack"`
			Code   string `json:"code"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); code != exitError || err != nil || got.Attempts == 0 || len(got.Findings) == 0 || got.Findings[0].Code == "" {
		t.Errorf("-json: exit %d, %v, %+v:\n%s", code, err, got, stdout)
	}
}

// TestTaskAuditShippedTaskFindsNothing: the circle-packing task checks
// every circle, so nothing the attacks try beats the honest score by the
// margin; the audit exits 0. A task is named by its name alone.
func TestTaskAuditShippedTaskFindsNothing(t *testing.T) {
	t.Chdir(t.TempDir())
	stdout, stderr, code := run(t, "task", "audit", "-budget", "20", "-no-store", "circlepacking")
	if code != exitOK {
		t.Fatalf("exit %d, want 0; stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"Audit of task circlepacking (task circlepacking)", "No finding", "the best honest score"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if _, err := os.Stat(stateRoot); err == nil {
		t.Error("-no-store created campaign state")
	}
}

// TestTaskAuditBadInput: what cannot be audited exits 1 (2 for usage)
// with the reason.
func TestTaskAuditBadInput(t *testing.T) {
	if _, err := plugintest.Binary("asi-task-checktask", "./testdata/checktask"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	invalid := filepath.Join(dir, "invalid.hcl")
	src := "campaign \"invalid\" {\n  task = \"checktask\"\n}\n\ntask {\n  mode = \"invalid\"\n}\n"
	if err := os.WriteFile(invalid, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no argument", nil, exitUsage, "Usage: asi task audit"},
		{"missing file", []string{"nope.hcl"}, exitError, "nope.hcl"},
		{"folder without a campaign", []string{"empty"}, exitError, "holds no campaign.hcl"},
		{"unknown task", []string{"nosuchtask"}, exitError, "neither a campaign file, a folder nor a task"},
		{"invalid initial program", []string{invalid}, exitError, "the initial program is not valid"},
		{"unknown adversary", []string{"-adversary", "nope", invalid}, exitError, `no model block labelled "nope"`},
		{"negative margin", []string{"-margin", "-1", invalid}, exitUsage, "cannot be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := run(t, append([]string{"task", "audit"}, tt.args...)...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d and %q", code, stderr, tt.code, tt.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(stateRoot, "invalid")); err == nil {
		t.Error("an audit that could not run created campaign state")
	}
}

// TestTaskAuditBoundIsTheBestHonestNode: with no known best, the bound is
// the campaign's best valid node that no audit or red-team pass found
// suspect, by the margin, when that beats the initial program.
func TestTaskAuditBoundIsTheBestHonestNode(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "state")
	st, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	honest := store.Node{Name: "honest", Code: "x", Valid: true, Score: 2.4, Status: store.StatusOK, Metrics: map[string]float64{"sum_radii": 2.4}}
	hack := store.Node{Step: 1, Name: "hack", Code: "y", Valid: true, Score: 5, Status: store.StatusOK, Metrics: map[string]float64{"sum_radii": 5}}
	for _, n := range []*store.Node{&honest, &hack} {
		if _, err := st.Commit(ctx, n, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	err = st.AddFindings(ctx, []store.Finding{{NodeID: hack.ID, Source: store.FindingSourceAudit, Attack: "a", Kind: "library", Score: 9, Bound: 6}})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	stdout, stderr, code := run(t, "task", "audit", "-budget", "-1", "-state", dir, "circlepacking")
	if code != exitOK || !strings.Contains(stdout, "bound:   3.6, the best honest score 2.4 by 50%") {
		t.Errorf("exit %d, want 0 and the bound from node %d\nstdout:\n%s\nstderr:\n%s", code, honest.ID, stdout, stderr)
	}
}
