package views

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/asi-evolve/asi/sandbox"
)

func TestSandboxRunText(t *testing.T) {
	tests := []struct {
		name       string
		res        sandbox.Result
		wantStdout string
		wantStderr string
	}{
		{
			name: "ok",
			res: sandbox.Result{Stdout: []byte("hello\n"), Stderr: []byte("warn\n"), Wall: 1500 * time.Microsecond,
				PeakMemoryPages: 40},
			wantStdout: "hello\n",
			wantStderr: "warn\n\n--- p.go (go): ok\nexit 0, wall 1.5ms, prepare 2s, peak memory 2.5MiB\n",
		},
		{
			name:       "compile error stops after the detail",
			res:        sandbox.Result{Reason: sandbox.ReasonCompile, Detail: "main.go:3: undefined: x"},
			wantStderr: "\n--- p.go (go): compile: main.go:3: undefined: x\n",
		},
		{
			name: "truncated, under a MiB",
			res: sandbox.Result{Reason: sandbox.ReasonOutputLimit, Detail: "too much", ExitCode: 1,
				PeakMemoryPages: 2, StdoutTruncated: true},
			wantStderr: "\n--- p.go (go): output_limit: too much\nexit 1, wall 0s, prepare 2s, peak memory 128KiB, output truncated (stdout true, stderr false)\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr strings.Builder
			r := SandboxRun{File: "p.go", Language: "go", Result: tt.res, Prepare: 2 * time.Second}
			if err := (View{W: &stdout}).SandboxRun(r, &stderr); err != nil {
				t.Fatal(err)
			}
			if stdout.String() != tt.wantStdout || stderr.String() != tt.wantStderr {
				t.Errorf("stdout %q, stderr %q\nwant %q, %q", stdout.String(), stderr.String(), tt.wantStdout, tt.wantStderr)
			}
		})
	}
}

func TestSandboxRunJSON(t *testing.T) {
	var stdout, stderr strings.Builder
	r := SandboxRun{File: "p.go", Language: "go", Prepare: 1500 * time.Microsecond,
		Result: sandbox.Result{Reason: sandbox.ReasonTimeout, Wall: time.Second, Stdout: []byte("x")}}
	if err := (View{W: &stdout, JSON: true}).SandboxRun(r, &stderr); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(stdout.String()), &got); err != nil {
		t.Fatal(err)
	}
	if got["reason"] != "timeout" || got["ok"] != false || got["wall_ms"] != 1000.0 || got["prepare_ms"] != 1.5 ||
		got["stdout"] != "x" || stderr.Len() != 0 {
		t.Errorf("JSON %s (stderr %q)", stdout.String(), stderr.String())
	}
	if _, has := got["stdout_truncated"]; has {
		t.Errorf("JSON has stdout_truncated when nothing was truncated: %s", stdout.String())
	}
}
