package executor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/asi-evolve/asi/sdk"

	"github.com/asi-evolve/asi/internal/testenv"
)

// workDir is a directory the unprivileged job user can reach when the
// tests run as root (t.TempDir's parents are 0700).
func workDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for d := dir; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o711); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "jobs")
}

func newTestLocal(t *testing.T, cfg LocalConfig) *Local {
	t.Helper()
	cfg.Dir = workDir(t)
	if cfg.Grace == 0 {
		cfg.Grace = 300 * time.Millisecond
	}
	l, err := NewLocal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l
}

func runJob(t *testing.T, e sdk.Executor, job sdk.Job) (sdk.JobResult, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	id, err := e.Submit(ctx, job)
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	res, err := e.Wait(ctx, id)
	if err != nil {
		t.Fatalf("wait: %v", err)
	}
	log, done, err := e.Logs(ctx, id, 0)
	if err != nil || !done {
		t.Fatalf("logs: done=%v err=%v", done, err)
	}
	return res, string(log)
}

func sh(script string) []string { return []string{"/bin/sh", "-c", script} }

func TestLocalRuns(t *testing.T) {
	l := newTestLocal(t, LocalConfig{Slots: 2})
	tests := []struct {
		name      string
		job       sdk.Job
		wantState sdk.JobState
		wantCode  int
		wantLog   string
		wantOuts  map[string][]byte
	}{
		{name: "result file back", job: sdk.Job{Command: sh("cat in.txt > out.txt; echo done"),
			Files: map[string][]byte{"in.txt": []byte("42")}, Outputs: []string{"out.txt", "missing.txt"}},
			wantState: sdk.JobSucceeded, wantLog: "done\n", wantOuts: map[string][]byte{"out.txt": []byte("42")}},
		{name: "exit code", job: sdk.Job{Command: sh("echo oops >&2; exit 3")},
			wantState: sdk.JobFailed, wantCode: 3, wantLog: "oops\n", wantOuts: map[string][]byte{}},
		{name: "declared env only", job: sdk.Job{Command: sh("echo $SEED:$ASI_TEST_SECRET:$OPENAI_API_KEY"), Env: map[string]string{"SEED": "7"}},
			wantState: sdk.JobSucceeded, wantLog: "7::\n", wantOuts: map[string][]byte{}},
	}
	t.Setenv("ASI_TEST_SECRET", "hunter2")
	t.Setenv("OPENAI_API_KEY", "sk-secret")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, log := runJob(t, l, tt.job)
			if res.State != tt.wantState || res.ExitCode != tt.wantCode {
				t.Errorf("state %s code %d (%s), want %s code %d", res.State, res.ExitCode, res.Detail, tt.wantState, tt.wantCode)
			}
			if log != tt.wantLog {
				t.Errorf("log %q, want %q", log, tt.wantLog)
			}
			if d := cmp.Diff(tt.wantOuts, res.Outputs); d != "" {
				t.Errorf("outputs (-want +got):\n%s", d)
			}
		})
	}
}

func TestLocalEnvironmentScrubbed(t *testing.T) {
	t.Setenv("ASI_TEST_SECRET", "hunter2")
	l := newTestLocal(t, LocalConfig{})
	res, log := runJob(t, l, sdk.Job{Command: []string{"env"}, Env: map[string]string{"DECLARED": "yes"}})
	if res.State != sdk.JobSucceeded {
		t.Fatalf("state %s: %s", res.State, res.Detail)
	}
	if strings.Contains(log, "hunter2") {
		t.Errorf("secret leaked into the job's environment:\n%s", log)
	}
	if !strings.Contains(log, "DECLARED=yes") {
		t.Errorf("declared variable missing:\n%s", log)
	}
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		name, _, _ := strings.Cut(line, "=")
		switch name {
		case "DECLARED", "PATH", "HOME", "TMPDIR", "LANG", "PWD", "SHLVL", "_":
		default:
			t.Errorf("unexpected variable in the job's environment: %s", line)
		}
	}
}

// alive says whether pid is a process that has not died (zombies are dead).
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	fields := strings.Fields(string(stat))
	return len(fields) > 2 && fields[2] != "Z"
}

// processesWith lists the host's processes whose command line holds
// marker. Pids seen inside a jail are its namespace's, not the host's:
// tests find a job's processes by a marker in their arguments instead.
func processesWith(marker string) []int {
	var pids []int
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err == nil && strings.Contains(string(cmdline), marker) && alive(pid) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// uniqueSleep is a sleep of about seconds whose argument no other process
// has: "120.000012345".
func uniqueSleep(seconds int) string {
	return fmt.Sprintf("%d.%09d", seconds, time.Now().UnixNano()%1e9)
}

func TestLocalTimeoutKillsProcessTree(t *testing.T) {
	l := newTestLocal(t, LocalConfig{})
	// The job forks a child that ignores SIGTERM and ignores SIGTERM
	// itself: only SIGKILL to all of them ends them.
	marker := uniqueSleep(120)
	script := `trap "" TERM; (trap "" TERM; echo started > child.txt; sleep ` + marker + `) & sleep 120`
	start := time.Now()
	res, _ := runJob(t, l, sdk.Job{Command: sh(script), Resources: sdk.Resources{Timeout: time.Second}, Outputs: []string{"child.txt"}})
	if res.State != sdk.JobTimedOut {
		t.Fatalf("state %s (%s), want timed_out", res.State, res.Detail)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("took %s to kill a 1s job", took)
	}
	if string(res.Outputs["child.txt"]) != "started\n" {
		t.Fatalf("the child never started (outputs %q)", res.Outputs)
	}
	noneLeft(t, marker) // the child that ignored SIGTERM is gone too
}

func TestLocalMemoryCap(t *testing.T) {
	l := newTestLocal(t, LocalConfig{Memory: 256 << 20})
	// Allocating 512 MiB under a 256 MiB address-space cap must fail.
	res, log := runJob(t, l, sdk.Job{Command: []string{"/usr/bin/python3", "-c", "b = bytearray(512 << 20); print('allocated')"}})
	if res.State != sdk.JobFailed {
		t.Fatalf("state %s, want failed; log:\n%s", res.State, log)
	}
	if strings.Contains(log, "allocated") || !strings.Contains(log, "MemoryError") {
		t.Errorf("log does not show the allocation refused:\n%s", log)
	}
	// The same job within a larger cap succeeds: the cap, not python, failed it.
	res, log = runJob(t, l, sdk.Job{Command: []string{"/usr/bin/python3", "-c", "b = bytearray(16 << 20); print('allocated')"}})
	if res.State != sdk.JobSucceeded || !strings.Contains(log, "allocated") {
		t.Errorf("small allocation: state %s, log:\n%s", res.State, log)
	}
}

func TestLocalOutputCap(t *testing.T) {
	l := newTestLocal(t, LocalConfig{OutputLimit: 1000})
	res, log := runJob(t, l, sdk.Job{Command: sh("head -c 5000000 /dev/zero | tr '\\0' x; echo; echo end")})
	if res.State != sdk.JobSucceeded {
		t.Fatalf("state %s (%s)", res.State, res.Detail)
	}
	if len(log) > 1100 || !strings.Contains(log, "output truncated at 1000 bytes") || strings.Contains(log, "end") {
		t.Errorf("log of %d bytes not capped at 1000: %q...", len(log), log[:min(len(log), 80)])
	}
}

func TestLocalContainsWrites(t *testing.T) {
	if !dropPrivileges() {
		testenv.Skipf(t, "jobs run as asi's own user when asi is not root; see docs/executors.md")
	}
	outside := filepath.Join(t.TempDir(), "outside")
	if err := os.MkdirAll(outside, 0o755); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(outside, "escaped")
	l := newTestLocal(t, LocalConfig{})
	res, log := runJob(t, l, sdk.Job{Command: sh("echo x > " + target + " && echo wrote; echo y > inside.txt"), Outputs: []string{"inside.txt"}})
	if _, err := os.Stat(target); err == nil {
		t.Errorf("the job wrote %s outside its directory (log %q)", target, log)
	}
	if string(res.Outputs["inside.txt"]) != "y\n" {
		t.Errorf("the job could not write in its own directory: %q, log %q", res.Outputs, log)
	}
}

func TestLocalNoNetwork(t *testing.T) {
	if !dropPrivileges() {
		testenv.Skipf(t, "a network namespace needs root; see docs/executors.md")
	}
	l := newTestLocal(t, LocalConfig{})
	// /proc/net/dev lists the interfaces of the reader's network namespace.
	_, log := runJob(t, l, sdk.Job{Command: sh("tail -n +3 /proc/net/dev | cut -d: -f1")})
	if got := strings.Fields(log); !cmp.Equal(got, []string{"lo"}) {
		t.Errorf("network interfaces in the job: %q, want only lo", got)
	}
}

func TestLocalCancelAndSlots(t *testing.T) {
	l := newTestLocal(t, LocalConfig{Slots: 1})
	ctx := context.Background()
	first, err := l.Submit(ctx, sdk.Job{Command: sh("sleep 30")})
	if err != nil {
		t.Fatal(err)
	}
	queued, err := l.Submit(ctx, sdk.Job{Command: sh("echo ran > ran.txt"), Outputs: []string{"ran.txt"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Cancel(ctx, queued); err != nil {
		t.Fatal(err)
	}
	res, err := l.Wait(ctx, queued)
	if err != nil || res.State != sdk.JobCancelled || len(res.Outputs) != 0 {
		t.Errorf("queued job: %+v, %v; want cancelled before it ran", res, err)
	}
	if err := l.Cancel(ctx, first); err != nil {
		t.Fatal(err)
	}
	if res, err := l.Wait(ctx, first); err != nil || res.State != sdk.JobCancelled {
		t.Errorf("running job: %+v, %v; want cancelled", res, err)
	}
}

func TestLocalKeyIsIdempotent(t *testing.T) {
	l := newTestLocal(t, LocalConfig{})
	ctx := context.Background()
	a, err := l.Submit(ctx, sdk.Job{Command: sh("true"), Key: "step-3/stage-1"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := l.Submit(ctx, sdk.Job{Command: sh("true"), Key: "step-3/stage-1"})
	if err != nil || a != b {
		t.Errorf("second submit with the same key: %q, %v; want %q", b, err, a)
	}
}

func TestLocalRefusesBadJobs(t *testing.T) {
	l := newTestLocal(t, LocalConfig{})
	tests := []struct {
		name string
		job  sdk.Job
	}{
		{name: "no command", job: sdk.Job{}},
		{name: "file escapes", job: sdk.Job{Command: sh("true"), Files: map[string][]byte{"../x": nil}}},
		{name: "absolute file", job: sdk.Job{Command: sh("true"), Files: map[string][]byte{"/etc/x": nil}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := l.Submit(context.Background(), tt.job); err == nil {
				t.Error("submitted, want refused")
			}
		})
	}
}

// Jobs run as nobody when asi is root; a work directory nobody cannot
// enter is refused at once, naming the closed directory, instead of every
// job failing later.
func TestLocalRefusesClosedWorkDir(t *testing.T) {
	if !dropPrivileges() {
		testenv.Skipf(t, "jobs run as asi's own user when asi is not root")
	}
	private := filepath.Join(t.TempDir(), "private")
	if err := os.Mkdir(private, 0o700); err != nil {
		t.Fatal(err)
	}
	_, err := NewLocal(LocalConfig{Dir: filepath.Join(private, "jobs")})
	if !errors.Is(err, ErrDirUnreachable) || !strings.Contains(err.Error(), private) {
		t.Errorf("NewLocal under %s: %v, want ErrDirUnreachable naming it", private, err)
	}
}

// With one slot, jobs run in the order they were submitted.
func TestLocalRunsInSubmissionOrder(t *testing.T) {
	l := newTestLocal(t, LocalConfig{Slots: 1})
	ctx := context.Background()
	var ids []string
	for range 5 {
		id, err := l.Submit(ctx, sdk.Job{Command: sh("date +%s%N > started.txt; sleep 0.05"), Outputs: []string{"started.txt"}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	var last int64
	for i, id := range ids {
		res, err := l.Wait(ctx, id)
		if err != nil || res.State != sdk.JobSucceeded {
			t.Fatalf("job %d: %+v, %v", i, res, err)
		}
		started, err := strconv.ParseInt(strings.TrimSpace(string(res.Outputs["started.txt"])), 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		if started < last {
			t.Errorf("job %d started before job %d", i, i-1)
		}
		last = started
	}
}
