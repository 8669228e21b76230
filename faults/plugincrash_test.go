package faults

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/asi-evolve/asi/cognition"
	"github.com/asi-evolve/asi/core/command"
	"github.com/asi-evolve/asi/core/engine"
	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/plugins/plugintest"
)

// A plugin killed in the middle of an evaluation, run by a real campaign:
// that node is stored as failed with the reason, the plugin is started
// again, and the campaign spends its whole budget.
func TestCampaignSurvivesPluginCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real campaign")
	}
	const steps, crashOn = 6, 3
	dir := t.TempDir()
	src := fmt.Sprintf(`
campaign "crashy" {
  task    = "crashy"
  workers = 1
  budget {
    steps = %d
  }
}

plugin "crashy" {
  path = %q
}

task {
  crash_on_node = %d
}
`, steps, crashyPlugin(t), crashOn)
	state, stdout, stderr, code := applyFile(t, dir, []byte(src))
	if code != 0 {
		t.Fatalf("apply exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}

	nodes := storedNodes(t, state)
	if len(nodes) != steps+1 {
		t.Fatalf("%d nodes, want %d (the initial program and the whole budget)", len(nodes), steps+1)
	}
	for _, n := range nodes {
		switch {
		case n.ID == crashOn:
			if n.Valid || !strings.Contains(n.Error, "plugin crashed") || !strings.Contains(n.Error, "node 3") {
				t.Errorf("node %d: valid %v, error %q; want failed with the crash as reason", n.ID, n.Valid, n.Error)
			}
		case !n.Valid:
			t.Errorf("node %d failed (%s); only node %d should", n.ID, n.Error, crashOn)
		}
	}
	log, err := os.ReadFile(filepath.Join(state, "plugins.log"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"killing my own process", "plugin restarted"} {
		if !bytes.Contains(log, []byte(want)) {
			t.Errorf("plugins.log lacks %q:\n%s", want, log)
		}
	}
}

// A plugin that crashes on every evaluation stops the campaign after
// max_infra_failures of them (engine.DefaultMaxInfraFailures unless the
// file sets it), with an error naming the plugin and showing its panic and
// last stderr lines; those nodes are counted apart from failed candidates
// and nothing about them reaches the cognition base.
func TestCrashLoopStopsCampaign(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real campaigns")
	}
	tests := []struct {
		name    string
		setting string // the campaign block's max_infra_failures line
		want    int
	}{
		{name: "default", want: engine.DefaultMaxInfraFailures},
		{name: "set in the file", setting: "max_infra_failures = 2", want: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			src := fmt.Sprintf(`
campaign "crashy" {
  task    = "crashy"
  workers = 1
  %s
  budget {
    steps = 50
  }
}

plugin "crashy" {
  path = %q
}

task {
  panic_from_node = 2
}
`, tt.setting, crashyPlugin(t))
			state, stdout, stderr, code := applyFile(t, dir, []byte(src))
			if code != 1 {
				t.Errorf("apply exit %d, want 1\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
			}
			for _, want := range []string{
				fmt.Sprintf("the task keeps failing: the last %d evaluations could not run", tt.want),
				"plugin crashed: crashy died while evaluating node", "panic: counttask: node", "[ERROR] about to panic node=",
			} {
				if !strings.Contains(stderr, want) {
					t.Errorf("apply's error does not say %q:\n%s", want, stderr)
				}
			}
			if want := fmt.Sprintf("0 failed, %d not evaluated", tt.want); !strings.Contains(stdout, want) {
				t.Errorf("apply's summary does not say %q:\n%s", want, stdout)
			}

			ctx := context.Background()
			nodes := storedNodes(t, state)
			if len(nodes) != tt.want+1 {
				t.Errorf("%d nodes, want %d: the initial program and the crashes before the stop", len(nodes), tt.want+1)
			}
			for _, n := range nodes[1:] {
				if n.Status != store.StatusInfraFailed || !strings.Contains(n.Error, "panic: counttask: node") {
					t.Errorf("node %d: status %s, error %q; want %s with the panic", n.ID, n.Status, n.Error, store.StatusInfraFailed)
				}
			}

			db, err := cognition.OpenDB(ctx, state)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			emb := cognition.NewOffline(0)
			base, err := cognition.OpenEmbedded(ctx, db, emb.Name(), emb.Dim())
			if err != nil {
				t.Fatal(err)
			}
			items, err := base.Items(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				t.Errorf("cognition item %s from %s: %q; want none", it.Kind, it.Source, it.Content)
			}
		})
	}
}

// The example third-party task builds in its own module, with `go build`
// in its directory, and its campaign file runs as written.
func TestExampleCampaignRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the example and runs its campaign")
	}
	src, err := filepath.Abs(filepath.Join("..", "sdk", "examples", "symreg"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "symreg"))
	build.Dir = src
	build.Env = append(os.Environ(), "GOWORK=off")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build in %s: %v\n%s", src, err, out)
	}
	campaign, err := os.ReadFile(filepath.Join(src, "campaign.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	state, stdout, stderr, code := applyFile(t, dir, campaign, "-steps", "4")
	if code != 0 {
		t.Fatalf("apply exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	nodes := storedNodes(t, state)
	if len(nodes) != 5 {
		t.Fatalf("%d nodes, want 5", len(nodes))
	}
	if n := nodes[0]; !n.Valid || n.Metrics["mse"] <= 0 {
		t.Errorf("initial node: valid %v metrics %v (%s); want a valid mse", n.Valid, n.Metrics, n.Error)
	}
}

// storedNodes reads every node of the campaign in state.
func storedNodes(t *testing.T, state string) []store.Node {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, state)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	nodes, err := st.Nodes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return nodes
}

// crashyPlugin builds the plugins package's test task that crashes on a
// chosen node, and returns its path.
func crashyPlugin(t testing.TB) string {
	t.Helper()
	bin, err := plugintest.Binary("asi-task-crashy", "../plugins/testdata/crashy")
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// applyFile writes src as the campaign file in dir and applies it, with
// flags before the file; it returns the state directory, the output and the
// exit code.
func applyFile(t *testing.T, dir string, src []byte, flags ...string) (state, stdout, stderr string, code int) {
	t.Helper()
	file := filepath.Join(dir, "campaign.hcl")
	if err := os.WriteFile(file, src, 0o644); err != nil {
		t.Fatal(err)
	}
	state = filepath.Join(dir, "state")
	var out, errOut bytes.Buffer
	args := append(append([]string{"apply"}, flags...), "-state", state, file)
	code = command.Main(args, command.Streams{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut})
	return state, out.String(), errOut.String(), code
}
