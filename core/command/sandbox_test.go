package command

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSandboxRun(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	hello := write("hello.go", "package main\n\nimport (\"fmt\"; \"os\")\n\nfunc main() { fmt.Println(\"hello\", os.Args[1:]) }\n")
	loop := write("loop.go", "package main\n\nfunc main() { for {} }\n")
	broken := write("broken.go", "package main\n\nfunc main() { undefinedName() }\n")
	cache := t.TempDir()
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{name: "ok", args: []string{hello, "--", "x"}, wantCode: 0, wantStdout: "hello [x]", wantStderr: "(go): ok"},
		{name: "timeout", args: []string{"-timeout", "300ms", loop}, wantCode: 1, wantStderr: "timeout: still running after the time limit of 300ms"},
		{name: "compile error", args: []string{broken}, wantCode: 1, wantStderr: "compile: main.go:3:15: undefined: undefinedName"},
		{name: "json", args: []string{"-json", loop, "-timeout", "100ms"}, wantCode: 1, wantStdout: `"reason": "timeout"`},
		{name: "bad memory", args: []string{"-memory", "lots", hello}, wantCode: 2, wantStderr: "-memory"},
		{name: "unknown extension", args: []string{filepath.Join(dir, "x.txt")}, wantCode: 2, wantStderr: "use -lang"},
		{name: "no subcommand", args: nil, wantCode: 2, wantStderr: "Usage: asi sandbox run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"sandbox"}, tt.args...)
			if len(tt.args) > 0 {
				args = append([]string{"sandbox", "run", "-cache", cache}, tt.args...)
			}
			stdout, stderr, code := run(t, args...)
			if code != tt.wantCode || !strings.Contains(stdout, tt.wantStdout) || !strings.Contains(stderr, tt.wantStderr) {
				t.Errorf("exit %d, want %d\nstdout %q (want %q)\nstderr %q (want %q)",
					code, tt.wantCode, stdout, tt.wantStdout, stderr, tt.wantStderr)
			}
			if strings.Contains(tt.name, "json") && !json.Valid([]byte(stdout)) {
				t.Errorf("-json printed invalid JSON: %s", stdout)
			}
		})
	}
}

// TestSandboxPrepare checks `asi sandbox prepare`, which `make build` runs:
// it builds what a language needs into the cache and runs a one-line
// program there, so a later run of that language builds nothing.
func TestSandboxPrepare(t *testing.T) {
	cache := t.TempDir()
	stdout, stderr, code := run(t, "sandbox", "prepare", "-cache", cache, "go")
	if code != exitOK || !strings.Contains(stdout, "sandbox: go ready") {
		t.Fatalf("prepare go: exit %d\nstdout %q\nstderr %q", code, stdout, stderr)
	}
	builds, err := filepath.Glob(filepath.Join(cache, "gobuild", "*.wasm"))
	if err != nil || len(builds) != 1 {
		t.Fatalf("cache holds %d Go builds (%v), want the one prepare made", len(builds), err)
	}

	_, stderr, code = run(t, "sandbox", "prepare", "-cache", cache, "cobol")
	if code != exitUsage || !strings.Contains(stderr, `"cobol": want one of c, go, javascript, python`) {
		t.Errorf("prepare cobol: exit %d, stderr %q; want a usage error naming the languages", code, stderr)
	}
}
