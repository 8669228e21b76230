package plugins_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/asi-evolve/asi/core/task"
	"github.com/asi-evolve/asi/plugins"
	"github.com/asi-evolve/asi/plugins/plugintest"
	"github.com/asi-evolve/asi/sdk"
)

// testPlugins returns the directory of the test plugins, built once per
// test binary run.
func testPlugins(t testing.TB) string {
	t.Helper()
	var dir string
	for _, name := range []string{"crashy", "protocol2"} {
		bin, err := plugintest.Binary("asi-task-"+name, "./testdata/"+name)
		if err != nil {
			t.Fatal(err)
		}
		dir = filepath.Dir(bin)
	}
	return dir
}

func TestMain(m *testing.M) { os.Exit(plugintest.Main(m, nil)) }

func find(t testing.TB, name string, declared map[string]plugins.Declared) plugins.Found {
	t.Helper()
	f := plugins.Finder{Declared: declared, Dirs: []string{testPlugins(t)}}
	found, err := f.Find(plugins.KindTask, name)
	if err != nil {
		t.Fatal(err)
	}
	return found
}

func TestTaskRestartsAfterCrash(t *testing.T) {
	ctx := context.Background()
	tk, err := plugins.StartTask(ctx, find(t, "crashy", nil), plugins.TaskOptions{
		Settings: map[string]cty.Value{"crash_on_node": cty.NumberIntVal(2)},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer tk.Close()
	for node := int64(1); node <= 4; node++ {
		res, err := tk.Evaluate(ctx, task.Candidate{NodeID: node, Code: "abc"}, 0, 1)
		if node == 2 {
			if !errors.Is(err, plugins.ErrCrashed) || !strings.Contains(err.Error(), "plugin crashed") {
				t.Fatalf("node 2: err = %v, want one wrapping ErrCrashed", err)
			}
			continue
		}
		if err != nil || !res.Valid || res.Metrics["score"] != 3 {
			t.Fatalf("node %d: %+v, %v; want a valid score of 3", node, res, err)
		}
	}
	// Node 2 killed the plugin twice: its evaluation and the one retry.
	if got := tk.Restarts(); got != 2 {
		t.Errorf("restarts = %d, want 2", got)
	}
}

// A candidate that kills the plugin while another evaluation is in flight
// fails alone: the other one is tried again on the restarted plugin.
func TestCrashSparesEvaluationsInFlight(t *testing.T) {
	ctx := context.Background()
	tk, err := plugins.StartTask(ctx, find(t, "crashy", nil), plugins.TaskOptions{
		Settings: map[string]cty.Value{"crash_on_node": cty.NumberIntVal(2), "evaluate_ms": cty.NumberIntVal(1000)},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer tk.Close()
	type outcome struct {
		res task.Result
		err error
	}
	inFlight := make(chan outcome, 1)
	go func() {
		res, err := tk.Evaluate(ctx, task.Candidate{NodeID: 1, Code: "abc"}, 0, 1)
		inFlight <- outcome{res, err}
	}()
	time.Sleep(200 * time.Millisecond) // node 1 is inside the plugin
	if _, err := tk.Evaluate(ctx, task.Candidate{NodeID: 2, Code: "abc"}, 0, 1); !errors.Is(err, plugins.ErrCrashed) {
		t.Fatalf("node 2: err = %v, want one wrapping ErrCrashed", err)
	}
	got := <-inFlight
	if got.err != nil || !got.res.Valid || got.res.Metrics["score"] != 3 {
		t.Errorf("node 1, in flight when node 2 killed the plugin: %+v, %v; want a valid score of 3", got.res, got.err)
	}
}

// A plugin that panics fails that evaluation with the panic value on the
// error's first line and the end of its stderr after it; the next
// evaluation runs on a restarted plugin.
func TestPanicIsOnTheError(t *testing.T) {
	ctx := context.Background()
	tk, err := plugins.StartTask(ctx, find(t, "crashy", nil), plugins.TaskOptions{
		Settings: map[string]cty.Value{"panic_from_node": cty.NumberIntVal(2)},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer tk.Close()
	_, err = tk.Evaluate(ctx, task.Candidate{NodeID: 2, Code: "abc"}, 0, 1)
	if !errors.Is(err, plugins.ErrCrashed) {
		t.Fatalf("err = %v, want one wrapping ErrCrashed", err)
	}
	first, rest, _ := strings.Cut(err.Error(), "\n")
	if want := "(panic: counttask: node 2 is poison)"; !strings.Contains(first, want) {
		t.Errorf("first line %q does not say %q", first, want)
	}
	for _, want := range []string{"[ERROR] about to panic node=2", "goroutine "} {
		if !strings.Contains(rest, want) {
			t.Errorf("the error's stderr lines lack %q:\n%s", want, rest)
		}
	}
	if res, err := tk.Evaluate(ctx, task.Candidate{NodeID: 1, Code: "abc"}, 0, 1); err != nil || !res.Valid {
		t.Errorf("node 1 after the panic: %+v, %v; want valid", res, err)
	}
}

func TestProtocolMismatchIsRefused(t *testing.T) {
	_, err := plugins.StartTask(context.Background(), find(t, "protocol2", nil), plugins.TaskOptions{})
	if !errors.Is(err, plugins.ErrProtocol) {
		t.Fatalf("err = %v, want ErrProtocol", err)
	}
	for _, want := range []string{"protocol version 2", "this asi speaks version 1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

func TestChecksum(t *testing.T) {
	path := filepath.Join(testPlugins(t), "asi-task-crashy")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	good := hex.EncodeToString(sum[:])
	tests := []struct {
		name    string
		sha256  string
		wantErr error
	}{
		{name: "matching", sha256: good},
		{name: "matching upper case", sha256: strings.ToUpper(good)},
		{name: "none given", sha256: ""},
		{name: "another binary's", sha256: strings.Repeat("0", 64), wantErr: plugins.ErrChecksum},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := plugins.Finder{Declared: map[string]plugins.Declared{"crashy": {Path: path, SHA256: tt.sha256}}}
			found, err := f.Find(plugins.KindTask, "crashy")
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Find: err = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				if !strings.Contains(err.Error(), tt.sha256) {
					t.Errorf("error %q does not name the expected checksum", err)
				}
				return
			}
			tk, err := plugins.StartTask(context.Background(), found, plugins.TaskOptions{})
			if err != nil {
				t.Fatal(err)
			}
			tk.Close()
		})
	}
}

func TestStartTaskReportsSettings(t *testing.T) {
	tests := []struct {
		name     string
		settings map[string]cty.Value
		wantPath string
		want     string
	}{
		{name: "unknown argument", settings: map[string]cty.Value{"crash_on_nod": cty.NumberIntVal(1)},
			wantPath: "crash_on_nod", want: `Did you mean "crash_on_node"?`},
		{name: "wrong type", settings: map[string]cty.Value{"crash_on_node": cty.StringVal("x")},
			wantPath: "crash_on_node", want: "must be a number"},
		{name: "refused by the plugin", settings: map[string]cty.Value{"crash_on_node": cty.NumberFloatVal(1.5)},
			wantPath: "crash_on_node", want: "whole number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := plugins.StartTask(context.Background(), find(t, "crashy", nil), plugins.TaskOptions{Settings: tt.settings})
			var errs sdk.ConfigErrors
			if !errors.As(err, &errs) || len(errs) != 1 {
				t.Fatalf("err = %v, want one ConfigError", err)
			}
			if got := plugins.PathString(errs[0].Path); got != tt.wantPath || !strings.Contains(errs[0].Detail, tt.want) {
				t.Errorf("got %s: %q, want %s: ...%s...", got, errs[0].Detail, tt.wantPath, tt.want)
			}
		})
	}
}

func TestDescribeAfterConfigure(t *testing.T) {
	tk, err := plugins.StartTask(context.Background(), find(t, "crashy", nil), plugins.TaskOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer tk.Close()
	d, err := tk.Describe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if d.Name != "crashy" || d.Primary != "score" || d.Direction != task.Maximize || len(d.Stages) != 1 {
		t.Errorf("description = %+v", d)
	}
}
