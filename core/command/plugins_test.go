package command

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/asi-evolve/asi/core/views"
	"github.com/asi-evolve/asi/plugins"
	"github.com/asi-evolve/asi/plugins/plugintest"
)

func TestApplyReportsTaskProblems(t *testing.T) {
	dir := t.TempDir()
	p2, err := plugintest.Build(dir, "asi-task-protocol2", "github.com/asi-evolve/asi/plugins/testdata/protocol2", "")
	if err != nil {
		t.Fatal(err)
	}
	circle := filepath.Join(os.Getenv(plugins.DirEnv), "asi-task-circlepacking")
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{
			name: "setting refused by the plugin",
			src:  "campaign \"c\" {\n  task = \"circlepacking\"\n}\ntask {\n  language = \"cobol\"\n}\n",
			want: []string{"Unsupported language", "c.hcl line 5", `language = "cobol"`, "task.language:"},
		},
		{
			name: "unknown setting",
			src:  "campaign \"c\" {\n  task = \"circlepacking\"\n}\ntask {\n  langage = \"go\"\n}\n",
			want: []string{"Unsupported argument", "c.hcl line 5", `Did you mean "language"?`},
		},
		{
			name: "checksum mismatch",
			src: "campaign \"c\" {\n  task = \"circlepacking\"\n}\nplugin \"circlepacking\" {\n  path = \"" + circle + "\"\n  sha256 = \"" +
				strings.Repeat("ab", 32) + "\"\n}\n",
			want: []string{"Task plugin refused", "c.hcl line 6", "checksum mismatch", strings.Repeat("ab", 32)},
		},
		{
			name: "missing plugin binary",
			src:  "campaign \"c\" {\n  task = \"circlepacking\"\n}\nplugin \"circlepacking\" {\n  path = \"nowhere/asi-task-circlepacking\"\n}\n",
			want: []string{"Task plugin not found", "c.hcl line 5"},
		},
		{
			name: "other protocol version",
			src:  "campaign \"c\" {\n  task = \"protocol2\"\n}\nplugin \"protocol2\" {\n  path = \"" + p2 + "\"\n}\n",
			want: []string{"Task plugin version mismatch", "c.hcl line 2", "protocol version 2", "this asi speaks version 1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := campaignInTempDir(t, tt.src)
			_, stderr, code := run(t, "plan", file)
			if code != exitError {
				t.Fatalf("exit %d, want 1; stderr:\n%s", code, stderr)
			}
			flat := strings.Join(strings.Fields(stderr), " ")
			for _, w := range tt.want {
				if !strings.Contains(flat, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
		})
	}
}

func TestPluginsLists(t *testing.T) {
	t.Chdir(t.TempDir())
	stdout, stderr, code := run(t, "plugins", "-json")
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	var rows []views.PluginRow
	if err := json.Unmarshal([]byte(stdout), &rows); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	var found bool
	for _, r := range rows {
		if r.Kind == plugins.KindTask && r.Name == "circlepacking" && r.Rejected == "" {
			found = true
			if r.Protocol != 1 || r.Version == "" || len(r.APIVersions) == 0 {
				t.Errorf("circlepacking row = %+v, want protocol 1, a version and API versions", r)
			}
		}
	}
	if !found {
		t.Errorf("circlepacking not listed as usable: %+v", rows)
	}
	builtins := map[string]views.PluginRow{}
	for _, r := range rows {
		if r.Source == "built in" {
			builtins[r.Name] = r
		}
	}
	for _, name := range []string{"local", "gpu", "slurm"} {
		if r, ok := builtins[name]; !ok || r.Isolation == "" || r.Detail == "" {
			t.Errorf("built-in executor %s: %+v, want its isolation and why", name, r)
		}
	}
	// The default build has NVML compiled in (cgo), driver or not.
	if gpu := builtins["gpu"].Detail; !strings.Contains(gpu, "NVML (compiled in)") {
		t.Errorf("gpu executor detail %q does not report NVML compiled in", gpu)
	}

	text, _, code := run(t, "plugins")
	if code != exitOK || !strings.Contains(text, "circlepacking") || !strings.Contains(text, "PROTOCOL") ||
		!strings.Contains(text, "Built-in executors on this machine:") {
		t.Errorf("text listing (exit %d):\n%s", code, text)
	}
}

// TestPluginsFileChecksTheTask: with a campaign file, `asi plugins` still
// lists everything but exits 1 when the file's task has no plugin that
// can run, and says why.
func TestPluginsFileChecksTheTask(t *testing.T) {
	tests := []struct {
		name       string
		src        string
		wantCode   int
		wantStdout string
		wantStderr []string
	}{
		{
			name:       "task found",
			src:        "campaign \"c\" {\n  task = \"circlepacking\"\n}\n",
			wantCode:   exitOK,
			wantStdout: "circlepacking",
		},
		{
			name:       "no binary anywhere",
			src:        "campaign \"c\" {\n  task = \"nosuch\"\n}\n",
			wantCode:   exitError,
			wantStdout: "circlepacking",
			wantStderr: []string{`task "nosuch" cannot run`, "no asi-task-nosuch in a plugin block or in " + os.Getenv(plugins.DirEnv)},
		},
		{
			name:       "plugin block naming a missing binary",
			src:        "campaign \"c\" {\n  task = \"pi\"\n}\nplugin \"pi\" {\n  path = \"./asi-task-pi\"\n}\n",
			wantCode:   exitError,
			wantStdout: "rejected",
			wantStderr: []string{`task "pi" cannot run`, "asi-task-pi"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := campaignInTempDir(t, tt.src)
			stdout, stderr, code := run(t, "plugins", file)
			if code != tt.wantCode || !strings.Contains(stdout, tt.wantStdout) {
				t.Errorf("exit %d, want %d; stdout lacks %q?\n%s\nstderr:\n%s", code, tt.wantCode, tt.wantStdout, stdout, stderr)
			}
			for _, w := range tt.wantStderr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if tt.wantStderr == nil && stderr != "" {
				t.Errorf("stderr = %q, want nothing", stderr)
			}
		})
	}
}

// campaignInTempDir writes src as c.hcl in a new directory, makes that the
// working directory, and returns the file's path.
func campaignInTempDir(t *testing.T, src string) string {
	t.Helper()
	work := t.TempDir()
	file := filepath.Join(work, "c.hcl")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(work)
	return file
}
