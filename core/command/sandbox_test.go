package command

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/asi-evolve/asi/plugins"
	"github.com/asi-evolve/asi/sandbox"
	"github.com/asi-evolve/asi/sdk"
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

// TestSandboxJob runs `asi sandbox job DIR` as a node does: the request
// file in DIR in, the result file out, with the run as the host's own
// sandbox returns it; what the node cannot do is a result holding the
// error and exit 1; a directory without a request writes no result.
func TestSandboxJob(t *testing.T) {
	requestCache, flagCache := t.TempDir(), t.TempDir()
	limits := sandbox.NewConfig().WithMemoryLimit(32 << 20).WithTimeout(5 * time.Second).WithOutputLimit(1 << 10)
	goFiles := func(src string) map[string][]byte { return map[string][]byte{"main.go": []byte(src)} }
	echo := goFiles("package main\n\nimport (\"fmt\"; \"io\"; \"os\")\n\nfunc main() { in, _ := io.ReadAll(os.Stdin); fmt.Printf(\"%q %s\", os.Args[1:], in); os.Exit(2) }\n")
	tests := []struct {
		name     string
		request  *plugins.SandboxRequest // nil: no request file
		flags    []string
		wantCode int
		want     sdk.SandboxResult // but Wall
		wantErr  string            // the node's error in the result
		noResult bool
	}{
		{
			name:    "stdin, args and exit code",
			request: req(plugins.NewSandboxRequest("go", echo, []byte("in\x00put"), limits.WithArgs("a b", "c"), requestCache)),
			want:    sdk.SandboxResult{ExitCode: 2, Stdout: []byte(`["a b" "c"] in` + "\x00put"), Reason: sdk.ReasonExit, Detail: "exit code 2", Limits: sdk.Limits{Memory: 32 << 20, Timeout: 5 * time.Second, OutputLimit: 1 << 10}},
		},
		{
			name:    "compile error",
			request: req(plugins.NewSandboxRequest("go", goFiles("package main\n\nfunc main() { undefinedName() }\n"), nil, limits, requestCache)),
			want: sdk.SandboxResult{Reason: sdk.ReasonCompile, Detail: "main.go:3:15: undefined: undefinedName",
				Limits: sdk.Limits{Memory: 32 << 20, Timeout: 5 * time.Second, OutputLimit: 1 << 10}},
		},
		{
			name:    "timeout, with the cache from the flag",
			request: req(plugins.NewSandboxRequest("go", goFiles("package main\n\nimport \"os\"\n\nfunc main() { os.Stderr.WriteString(\"looping\"); for {} }\n"), nil, limits.WithTimeout(300*time.Millisecond), requestCache)),
			flags:   []string{"-cache", flagCache},
			want: sdk.SandboxResult{Stderr: []byte("looping"), Reason: sdk.ReasonTimeout, Detail: "still running after the time limit of 300ms",
				Limits: sdk.Limits{Memory: 32 << 20, Timeout: 300 * time.Millisecond, OutputLimit: 1 << 10}},
		},
		{
			name:     "a language the node has no toolchain for",
			request:  req(plugins.NewSandboxRequest("cobol", map[string][]byte{"main.cob": nil}, nil, limits, requestCache)),
			wantCode: exitError,
			wantErr:  `"cobol"`,
		},
		{
			name:     "request of another format",
			request:  &plugins.SandboxRequest{Version: 99, Language: "go", Files: echo},
			wantCode: exitError,
			noResult: true,
		},
		{name: "no request", wantCode: exitError, noResult: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.request != nil {
				data, err := json.Marshal(tt.request)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, plugins.SandboxRequestFile), data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			_, stderr, code := run(t, append(append([]string{"sandbox", "job"}, tt.flags...), dir)...)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tt.wantCode, stderr)
			}
			got, err := plugins.ReadSandboxResult(dir)
			switch {
			case tt.noResult:
				if !os.IsNotExist(errors.Unwrap(err)) {
					t.Errorf("result %+v, %v; want no result file", got, err)
				}
				if !strings.Contains(stderr, "asi sandbox job: sandbox request") {
					t.Errorf("stderr does not say what is wrong with the request: %s", stderr)
				}
			case tt.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(stderr, tt.wantErr) {
					t.Errorf("result %+v, %v (stderr %q); want the node's error naming %s", got, err, stderr, tt.wantErr)
				}
			case err != nil:
				t.Fatalf("result: %v", err)
			default:
				if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(sdk.SandboxResult{}, "Wall"), cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("result mismatch (-want +got):\n%s", diff)
				}
			}
		})
	}
	// The node built into the cache named: the request's, or the flag's.
	for _, cache := range []string{requestCache, flagCache} {
		if built, _ := os.ReadDir(filepath.Join(cache, "gobuild")); len(built) == 0 {
			t.Errorf("no build cached in %s", cache)
		}
	}
}

func req(r plugins.SandboxRequest) *plugins.SandboxRequest { return &r }

// TestSandboxJobHelp: `asi sandbox -h` documents the internal job verb
// with the files it reads and writes; the short usage leaves it out.
func TestSandboxJobHelp(t *testing.T) {
	_, help, code := run(t, "sandbox", "-h")
	if code != exitOK || !strings.Contains(help, "asi sandbox job DIR") ||
		!strings.Contains(help, plugins.SandboxRequestFile) || !strings.Contains(help, plugins.SandboxResultFile) {
		t.Errorf("sandbox -h: exit %d\n%s", code, help)
	}
	if _, usage, _ := run(t, "sandbox"); strings.Contains(usage, "job") {
		t.Errorf("the short usage shows the internal job verb:\n%s", usage)
	}
}

// TestSandboxRunStdin: without -stdin the guest reads what is piped into
// asi; -stdin wins over a pipe, which is then left unread.
func TestSandboxRunStdin(t *testing.T) {
	dir := t.TempDir()
	echo := filepath.Join(dir, "echo.go")
	src := "package main\n\nimport (\"fmt\"; \"io\"; \"os\")\n\nfunc main() { in, _ := io.ReadAll(os.Stdin); fmt.Printf(\"guest read %q\\n\", in) }\n"
	inFile := filepath.Join(dir, "in.txt")
	for path, content := range map[string]string{echo: src, inFile: "from the file"} {
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pipe := func(content string) io.Reader {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close() })
		go func() {
			w.WriteString(content)
			w.Close()
		}()
		return r
	}
	cache := t.TempDir()
	tests := []struct {
		name     string
		stdin    io.Reader
		flags    []string
		want     string
		wantLeft string // what the guest's run left unread on stdin
	}{
		{name: "a pipe", stdin: pipe("piped\x00 in"), want: `guest read "piped\x00 in"`},
		{name: "a reader", stdin: strings.NewReader("from a reader"), want: `guest read "from a reader"`},
		{name: "-stdin wins", stdin: pipe("piped"), flags: []string{"-stdin", inFile}, want: `guest read "from the file"`, wantLeft: "piped"},
		{name: "none", want: `guest read ""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(append([]string{"sandbox", "run", "-cache", cache}, tt.flags...), echo)
			stdout, stderr, code := runWithStdin(t, tt.stdin, args...)
			if code != exitOK || !strings.Contains(stdout, tt.want) {
				t.Errorf("exit %d; stdout %q, want %q; stderr:\n%s", code, stdout, tt.want, stderr)
			}
			if tt.stdin == nil {
				return
			}
			if left, err := io.ReadAll(tt.stdin); err != nil || string(left) != tt.wantLeft {
				t.Errorf("left on stdin: %q (%v), want %q", left, err, tt.wantLeft)
			}
		})
	}
}

// TestGuestStdinLeavesATerminal: a terminal on asi's stdin is not read,
// or `asi sandbox run` would wait for typing.
func TestGuestStdinLeavesATerminal(t *testing.T) {
	tty, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal to stand in for a terminal: %v", err)
	}
	defer tty.Close()
	done := make(chan error, 1)
	go func() {
		in, err := guestStdin("", tty)
		if err == nil && in != nil {
			err = fmt.Errorf("read %q", in)
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("guestStdin read the terminal: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("guestStdin is still reading the terminal")
	}
}
