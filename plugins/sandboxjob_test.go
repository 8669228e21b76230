package plugins_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/asi-evolve/asi/internal/testenv"
	"github.com/asi-evolve/asi/plugins"
	"github.com/asi-evolve/asi/plugins/executor"
	"github.com/asi-evolve/asi/plugins/plugintest"
	"github.com/asi-evolve/asi/sandbox"
	"github.com/asi-evolve/asi/sdk"
)

// jobUID is the user the local executor runs jobs as when the tests run
// as root (executor.LocalConfig's default); otherwise jobs run as us.
const jobUID = 65534

// jobRoot is a directory the job user can enter: t.TempDir's parents are
// 0700 when the tests run as root.
func jobRoot(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for d := dir; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o711); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// jobOwned makes a directory under root that the job user owns: the
// sandbox and Go caches a job writes to.
func jobOwned(t *testing.T, root, name string) string {
	t.Helper()
	dir := filepath.Join(root, name)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		if err := os.Chown(dir, jobUID, jobUID); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// jobSandboxes are a local Sandbox and a job sandbox on a local executor
// (no jail, as asi's own jobs run) with the same campaign limits. The job
// runs a freshly built asi; its caches belong to the job user, who cannot
// use ours.
type jobSandboxes struct {
	local, job *plugins.Sandbox
	ex         *recordingExecutor
	root       string
	opts       plugins.JobSandboxOptions
	campaign   sandbox.Config
}

func newJobSandboxes(t *testing.T) *jobSandboxes {
	t.Helper()
	if testing.Short() {
		t.Skip("builds asi and runs Go builds as jobs")
	}
	if _, err := exec.LookPath("prlimit"); err != nil {
		testenv.Skipf(t, "prlimit (util-linux) is not installed: the local executor needs it")
	}
	ctx := context.Background()
	root := jobRoot(t)
	bin, err := plugintest.Build(root, "asi", "github.com/asi-evolve/asi/cmd/asi", "")
	if err != nil {
		t.Fatal(err)
	}
	local, err := executor.NewLocal(executor.LocalConfig{Dir: filepath.Join(root, "jobs"), NoJail: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { local.Close() })
	rt, err := sandbox.NewRuntime(ctx, sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close(ctx) })
	s := &jobSandboxes{ex: &recordingExecutor{Executor: local}, root: root,
		campaign: sandbox.NewConfig().WithMemoryLimit(64 << 20).WithTimeout(5 * time.Second).WithOutputLimit(1 << 10)}
	s.opts = plugins.JobSandboxOptions{Binary: bin, CacheDir: jobOwned(t, root, "cache"), Env: map[string]string{
		"PATH":          os.Getenv("PATH"), // go test puts its go first
		"GOCACHE":       jobOwned(t, root, "gocache"),
		"ASI_CACHE_DIR": jobOwned(t, root, "asi-cache"),
	}}
	s.local = plugins.NewSandbox(rt, s.campaign)
	s.job = plugins.NewJobSandbox(s.ex, s.campaign, s.opts)
	return s
}

// recordingExecutor notes the jobs cancelled through it.
type recordingExecutor struct {
	sdk.Executor
	mu        sync.Mutex
	cancelled []string
}

func (r *recordingExecutor) Cancel(ctx context.Context, id string) error {
	r.mu.Lock()
	r.cancelled = append(r.cancelled, id)
	r.mu.Unlock()
	return r.Executor.Cancel(ctx, id)
}

func goProgram(src string) map[string][]byte {
	return map[string][]byte{"main.go": []byte("package main\n\n" + src)}
}

// TestJobSandbox runs programs as jobs of a local executor, through the
// asi binary a node would run. One asi build and one job Go cache serve
// every case.
func TestJobSandbox(t *testing.T) {
	s := newJobSandboxes(t)
	t.Run("matches local", s.matchesLocal)
	t.Run("errors", s.errors)
	t.Run("cancels with its context", s.cancelsWithContext)
}

// matchesLocal: a job sandbox returns what the local one does, field by
// field (but the run's wall time): exit codes, both streams byte for byte,
// truncation, reasons with their detail (the compiler's output for a
// compile error), and the limits the run had, narrowed the same way.
func (s *jobSandboxes) matchesLocal(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		run    sdk.SandboxRun
		reason string
		check  func(sdk.SandboxResult) bool // what makes the case the case
	}{
		{
			name: "prints and exits 0",
			run: sdk.SandboxRun{Language: "go", Files: goProgram(`import "fmt"

func main() { fmt.Println("hello from the node") }
`)},
			check: func(r sdk.SandboxResult) bool { return string(r.Stdout) == "hello from the node\n" },
		},
		{
			name: "exits 3 with bytes that are not UTF-8",
			run: sdk.SandboxRun{Language: "go", Files: goProgram(`import "os"

func main() {
	os.Stdout.Write([]byte{0xff, 0x00, 0xfe, '\n'})
	os.Stderr.Write([]byte("bad \xc3\x28 input\n"))
	os.Exit(3)
}
`)},
			reason: sdk.ReasonExit,
			check:  func(r sdk.SandboxResult) bool { return r.ExitCode == 3 && string(r.Stdout) == "\xff\x00\xfe\n" },
		},
		{
			name:   "compile error",
			run:    sdk.SandboxRun{Language: "go", Files: goProgram("func main() { x := 1 }\n")},
			reason: sdk.ReasonCompile,
			check:  func(r sdk.SandboxResult) bool { return strings.Contains(r.Detail, "declared and not used") },
		},
		{
			name: "timeout, narrowed by the request",
			run: sdk.SandboxRun{Language: "go", Limits: sdk.Limits{Timeout: time.Second}, Files: goProgram(`import "fmt"

func main() {
	fmt.Println("started")
	for {
	}
}
`)},
			reason: sdk.ReasonTimeout,
			check: func(r sdk.SandboxResult) bool {
				return r.Limits.Timeout == time.Second && string(r.Stdout) == "started\n"
			},
		},
		{
			name: "output over the limit",
			run: sdk.SandboxRun{Language: "go", Limits: sdk.Limits{OutputLimit: 100}, Files: goProgram(`import (
	"fmt"
	"os"
	"strings"
)

func main() {
	fmt.Fprintln(os.Stderr, "a little")
	fmt.Print(strings.Repeat("0123456789", 1000))
}
`)},
			reason: sdk.ReasonOutputLimit,
			check: func(r sdk.SandboxResult) bool {
				return r.StdoutTruncated && !r.StderrTruncated && len(r.Stdout) == 100 && r.Limits.OutputLimit == 100
			},
		},
		{
			name: "stdin and args",
			run: sdk.SandboxRun{Language: "go", Stdin: []byte("line one\nline two\n"), Args: []string{"-n", "two words", ""},
				Files: goProgram(`import (
	"fmt"
	"io"
	"os"
)

func main() {
	in, _ := io.ReadAll(os.Stdin)
	fmt.Printf("%q %q", os.Args[1:], in)
}
`)},
			check: func(r sdk.SandboxResult) bool {
				return string(r.Stdout) == `["-n" "two words" ""] "line one\nline two\n"`
			},
		},
	}
	t.Cleanup(func() {
		// The node built into the cache the request named, not one of its own.
		if built, _ := os.ReadDir(filepath.Join(s.opts.CacheDir, "gobuild")); len(built) == 0 {
			t.Errorf("the jobs cached no build in %s", s.opts.CacheDir)
		}
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, err := s.local.Run(ctx, tt.run)
			if err != nil {
				t.Fatalf("local run: %v", err)
			}
			if want.Reason != tt.reason || !tt.check(want) {
				t.Fatalf("the local run is not the case the test means: %+v", want)
			}
			got, err := s.job.Run(ctx, tt.run)
			if err != nil {
				t.Fatalf("job run: %v", err)
			}
			if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(sdk.SandboxResult{}, "Wall")); diff != "" {
				t.Errorf("job result differs from the local one (-local +job):\n%s", diff)
			}
		})
	}
}

// errors: what the node cannot do is an error, as it is locally, and a job
// that ends without a result is an error naming the job and quoting its
// log.
func (s *jobSandboxes) errors(t *testing.T) {
	ctx := context.Background()

	run := sdk.SandboxRun{Language: "cobol", Files: map[string][]byte{"main.cob": []byte("DISPLAY 'HI'.")}}
	_, localErr := s.local.Run(ctx, run)
	_, jobErr := s.job.Run(ctx, run)
	if localErr == nil || jobErr == nil || !strings.Contains(jobErr.Error(), localErr.Error()) ||
		!strings.HasPrefix(jobErr.Error(), "sandbox job local-") {
		t.Errorf("unknown language: local error %v, job error %v; want the local error, named by the job", localErr, jobErr)
	}

	broken := filepath.Join(s.root, "broken-asi")
	if err := os.WriteFile(broken, []byte("#!/bin/sh\necho 'this node has no asi' >&2\nexit 4\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	opts := s.opts
	opts.Binary = broken
	_, err := plugins.NewJobSandbox(s.ex, s.campaign, opts).Run(ctx, sdk.SandboxRun{Language: "go", Files: goProgram("func main() {}\n")})
	if err == nil {
		t.Fatal("a job that wrote no result: no error")
	}
	for _, want := range []string{"sandbox job local-", "failed: exit status 4", "with no result", "this node has no asi"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

// cancelsWithContext: a run whose caller gives up cancels its job.
func (s *jobSandboxes) cancelsWithContext(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	_, err := s.job.Run(ctx, sdk.SandboxRun{Language: "go", Files: goProgram("func main() {\n\tfor {\n\t}\n}\n")})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("run past its context: %v, want the context's error", err)
	}
	s.ex.mu.Lock()
	ids := append([]string(nil), s.ex.cancelled...)
	s.ex.mu.Unlock()
	if len(ids) != 1 || !strings.Contains(err.Error(), ids[0]) {
		t.Fatalf("cancelled jobs %v; want the one job of the run (%v)", ids, err)
	}
	res, err := s.ex.Wait(context.Background(), ids[0])
	if err != nil || res.State != sdk.JobCancelled {
		t.Errorf("job %s after the cancel: %+v, %v; want it cancelled", ids[0], res, err)
	}
}

// A result crosses the job directory unchanged: any bytes of either
// stream (not UTF-8, NUL, empty or none), any flags, reason and detail.
func FuzzSandboxResultRoundTrip(f *testing.F) {
	f.Add([]byte("hello\n"), []byte(nil), uint32(0), true, false, "", "", int64(time.Second))
	f.Add([]byte{0xff, 0x00}, []byte{}, uint32(3), false, true, sdk.ReasonExit, "exit code 3", int64(1))
	f.Fuzz(func(t *testing.T, stdout, stderr []byte, code uint32, outCut, errCut bool, reason, detail string, timeout int64) {
		want := sdk.SandboxResult{ExitCode: code, Stdout: stdout, Stderr: stderr, StdoutTruncated: outCut, StderrTruncated: errCut,
			Wall: time.Duration(timeout / 2), Reason: reason, Detail: detail,
			Limits: sdk.Limits{Memory: uint64(timeout), Timeout: time.Duration(timeout), OutputLimit: timeout}}
		dir := t.TempDir()
		if err := plugins.WriteSandboxResult(dir, want, nil); err != nil {
			t.Fatal(err)
		}
		got, err := plugins.ReadSandboxResult(dir)
		if err != nil {
			t.Fatal(err)
		}
		// JSON keeps bytes but not strings that are not UTF-8: those the
		// node's own texts (reason, detail) never are.
		if !utf8.ValidString(reason) || !utf8.ValidString(detail) {
			want.Reason, want.Detail = got.Reason, got.Detail
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
	})
}
