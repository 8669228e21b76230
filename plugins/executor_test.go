package plugins

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

	"github.com/asi-evolve/asi/plugins/executor"
	"github.com/asi-evolve/asi/sdk"

	"github.com/asi-evolve/asi/internal/testenv"
)

func TestStartExecutors(t *testing.T) {
	tests := []struct {
		name    string
		specs   []ExecutorSpec
		job     sdk.Job
		wantErr error
		wantLog string
	}{
		{name: "none configured", wantErr: sdk.ErrNoExecutor},
		{name: "local runs the job", specs: []ExecutorSpec{{Type: "local", Slots: 2, Timeout: time.Minute}},
			job: sdk.Job{Command: []string{"/bin/sh", "-c", "echo hi"}}, wantLog: "hi\n"},
		{name: "unknown executor named", specs: []ExecutorSpec{{Type: "local"}},
			job: sdk.Job{Command: []string{"true"}, Executor: "slurm"}, wantErr: executor.ErrUnknownExecutor},
		{name: "a jail's shape reaches the job", specs: []ExecutorSpec{{Type: "local", TmpSize: 4 << 20, Processes: 32}},
			job: sdk.Job{Command: []string{"/bin/sh", "-c", "awk '/Max processes/{print $3}' /proc/self/limits; df -k /tmp | tail -1 | awk '{print $2}'"}}, wantLog: jailShapeLog()},
		{name: "gpu without driver refuses GPU jobs", specs: []ExecutorSpec{{Type: "gpu"}},
			job: sdk.Job{Command: []string{"true"}, Resources: sdk.Resources{GPUs: 1}}, wantErr: executor.ErrNoDriver},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			state := t.TempDir()
			for d := state; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
				_ = os.Chmod(d, 0o711) // jobs run as nobody when the tests are root
			}
			execs, err := StartExecutors(context.Background(), tt.specs, ExecutorOptions{StateDir: state})
			if err != nil {
				t.Fatal(err)
			}
			defer execs.Close()
			var host sdk.Host
			if execs != nil {
				host.Executor = execs
			}
			if host.Executor == nil {
				if !errors.Is(tt.wantErr, sdk.ErrNoExecutor) {
					t.Fatal("no executor started")
				}
				return
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			id, err := host.Executor.Submit(ctx, tt.job)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("submit: %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if res, err := host.Executor.Wait(ctx, id); err != nil || res.State != sdk.JobSucceeded {
				t.Fatalf("wait: %+v, %v", res, err)
			}
			log, _, err := host.Executor.Logs(ctx, id, 0)
			if err != nil || (tt.wantLog != "" && string(log) != tt.wantLog) {
				t.Errorf("log %q, %v; want %q", log, err, tt.wantLog)
			}
			if !strings.HasPrefix(id, "local:") {
				t.Errorf("job id %q does not name its executor", id)
			}
		})
	}
}

// jailShapeLog is what the jail-shape job prints: its process cap, and
// the size of its /tmp in KiB where the machine gives a jail (elsewhere the
// machine's own /tmp, which the test cannot know: the job then prints only
// the cap and the test accepts any size).
func jailShapeLog() string {
	if level, _ := executor.LocalIsolation(false); level == executor.IsolationJail {
		return "32\n4096\n"
	}
	return ""
}

// A state directory under a private directory (a home of mode 0700, say)
// cannot be entered by the job user: the jobs go to a directory of their
// own under the system's temporary directory, and run.
func TestStartExecutorsPrivateStateDir(t *testing.T) {
	if os.Geteuid() != 0 {
		testenv.Skipf(t, "jobs run as another user only when asi is root")
	}
	state := filepath.Join(t.TempDir(), "state") // t.TempDir is 0700
	execs, err := StartExecutors(context.Background(), []ExecutorSpec{{Type: "local"}}, ExecutorOptions{StateDir: state})
	if err != nil {
		t.Fatal(err)
	}
	defer execs.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	id, err := execs.Submit(ctx, sdk.Job{Command: []string{"/bin/sh", "-c", "echo ok > out.txt"}, Outputs: []string{"out.txt"}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := execs.Wait(ctx, id)
	if err != nil || res.State != sdk.JobSucceeded || string(res.Outputs["out.txt"]) != "ok\n" {
		log, _, _ := execs.Logs(ctx, id, 0)
		t.Fatalf("job under a private state directory: %+v, %v, log %q", res, err, log)
	}
	abs, _ := filepath.Abs(filepath.Join(state, "jobs", "local"))
	sum := sha256.Sum256([]byte(abs))
	os.RemoveAll(filepath.Join(os.TempDir(), "asi-jobs-"+hex.EncodeToString(sum[:6])))
}
