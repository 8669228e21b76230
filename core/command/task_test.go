package command

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/asi-evolve/asi/plugins/plugintest"
)

// TestTaskCheckCirclePacking: the example campaign's initial program
// passes, with its score, as text and as JSON.
func TestTaskCheckCirclePacking(t *testing.T) {
	file, err := filepath.Abs(filepath.Join("..", "..", "hcl-examples", "circle-packing.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	stdout, stderr, code := run(t, "task", "check", file)
	if code != exitOK {
		t.Fatalf("exit %d, want 0; stderr:\n%s", code, stderr)
	}
	for _, want := range []string{"passes task circlepacking", "score:   sum_radii = ", "wall:    "} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	stdout, stderr, code = run(t, "task", "check", "-json", file)
	if code != exitOK {
		t.Fatalf("-json: exit %d, want 0; stderr:\n%s", code, stderr)
	}
	var got struct {
		OK      bool               `json:"ok"`
		Primary string             `json:"primary"`
		Score   float64            `json:"score"`
		Metrics map[string]float64 `json:"metrics"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("-json: %v:\n%s", err, stdout)
	}
	if !got.OK || got.Score <= 0 || got.Metrics[got.Primary] != got.Score {
		t.Errorf("-json: got %+v, want ok with a positive score among the metrics", got)
	}
	if _, err := os.Stat(stateRoot); err == nil {
		t.Error("a check created campaign state")
	}
}

// TestTaskCheckFailures: each way an initial program cannot start a
// campaign exits 1 with what to fix, named in the file's terms.
func TestTaskCheckFailures(t *testing.T) {
	// Built into the directory ASI_PLUGIN_DIR names, where discovery finds it.
	if _, err := plugintest.Binary("asi-task-checktask", "./testdata/checktask"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		mode    string
		timeout string
		want    []string
	}{
		{"ok", "ok", "1h", nil},
		{"no markers", "nomarkers", "1h", []string{"no editable region", "EVOLVE-BLOCK-START"}},
		{"does not build", "invalid", "1h", []string{"failed its evaluation", "undefined: y"}},
		{"nan metric", "nan", "1h", []string{"not a finite number", "spread is NaN"}},
		{"no score", "noscore", "1h", []string{"has no score", `no "score", its primary metric`}},
		{"hang", "hang", "1s", []string{"overran evaluation_timeout", "longer than 1s", "raise evaluation_timeout in the campaign block"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "check.hcl")
			src := "campaign \"check\" {\n  task = \"checktask\"\n  evaluation_timeout = \"" + tt.timeout + "\"\n}\n\ntask {\n  mode = \"" + tt.mode + "\"\n}\n"
			if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Chdir(dir)
			stdout, stderr, code := run(t, "task", "check", file)
			if tt.want == nil {
				if code != exitOK || !strings.Contains(stdout, "score:   score = 1 (maximize)") {
					t.Fatalf("exit %d, want 0 and the score; stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
				}
				return
			}
			if code != exitError {
				t.Fatalf("exit %d, want 1; stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
			}
			for _, want := range append([]string{"asi task check: " + file + ": task checktask: "}, tt.want...) {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			stdout, _, code = run(t, "task", "check", "-json", file)
			var got struct {
				OK    bool   `json:"ok"`
				Error string `json:"error"`
			}
			if err := json.Unmarshal([]byte(stdout), &got); err != nil || code != exitError || got.OK || !strings.Contains(got.Error, tt.want[0]) {
				t.Errorf("-json: exit %d, %+v (%v), want exit 1 and an error with %q:\n%s", code, got, err, tt.want[0], stdout)
			}
		})
	}
}

func TestTaskUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"alone", []string{"task"}, exitUsage, "Usage: asi task check [flags] FILE\n"},
		{"help", []string{"task", "-h"}, exitOK, "check evaluates the campaign's initial program"},
		{"check without a file", []string{"task", "check"}, exitUsage, "Usage: asi task check [flags] FILE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := run(t, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d and %q", code, stderr, tt.code, tt.want)
			}
		})
	}
}
