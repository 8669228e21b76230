package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/asi-evolve/asi/internal/testenv"
	"github.com/asi-evolve/asi/plugins/executor"
	"github.com/asi-evolve/asi/sdk"
)

// The script task's hostile cases: a candidate the evaluator imports
// attacks the machine from inside the evaluator's process, in a jailed
// job of the local executor. Each test checks the host afterwards.

// jailedTask configures the script task on testdata/hostile with a jailed
// local executor.
func jailedTask(t *testing.T, timeout string) *Task {
	t.Helper()
	if os.Geteuid() != 0 {
		testenv.Skipf(t, "the hostile cases run jobs as nobody: they need root")
	}
	if level, why := executor.LocalIsolation(false); level != executor.IsolationJail {
		testenv.Skipf(t, "no jail here (%s): run scripts/ci/install-jail.sh", why)
	}
	dir := t.TempDir()
	for d := dir; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o711); err != nil {
			t.Fatal(err)
		}
	}
	l, err := executor.NewLocal(executor.LocalConfig{Dir: filepath.Join(dir, "jobs"), Slots: 1, Processes: 64,
		TmpSize: 16 << 20, Require: executor.IsolationJail, Grace: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	t.Chdir("testdata/hostile")
	tk := &Task{}
	err = tk.Configure(context.Background(), sdk.ConfigureRequest{
		Settings: withDefaults(sdk.Settings{"contract": "openevolve", "evaluator": "evaluator.py", "initial": "initial_program.py", "timeout": timeout}),
		Host:     sdk.Host{Executor: l},
	})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// withDefaults fills in the schema's defaults, as the host does.
func withDefaults(s sdk.Settings) sdk.Settings {
	for _, st := range settings {
		if _, ok := s[st.Name]; !ok && st.Default != nil {
			s[st.Name] = st.Default
		}
	}
	return s
}

// candidate is a program whose attack() runs body (indented by 4).
func candidate(body string) string {
	return "import os, socket, sys\n# EVOLVE-BLOCK-START\ndef attack():\n" + body + "# EVOLVE-BLOCK-END\n"
}

func evaluate(t *testing.T, tk *Task, code string) sdk.Result {
	t.Helper()
	res, err := tk.Evaluate(context.Background(), sdk.Candidate{NodeID: 1, Language: "python", Code: code}, 0, 1)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	return res
}

func TestHostileReadsPasswd(t *testing.T) {
	tk := jailedTask(t, "30s")
	res := evaluate(t, tk, candidate(`    try:
        data = open("/etc/passwd").read()
    except OSError as e:
        print("refused:", e, file=sys.stderr)
        return {"read_passwd": 0}
    return {"read_passwd": 1 if "root:" in data else 0}
`))
	if !res.Valid || res.Metrics["read_passwd"] != 0 || !strings.Contains(res.Feedback, "refused:") {
		t.Fatalf("the candidate read /etc/passwd or did not run: %+v", res)
	}
}

func TestHostileOpensSocket(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan struct{}, 1)
	go func() {
		if c, err := ln.Accept(); err == nil {
			accepted <- struct{}{}
			c.Close()
		}
	}()
	tk := jailedTask(t, "30s")
	port := ln.Addr().(*net.TCPAddr).Port
	res := evaluate(t, tk, candidate(fmt.Sprintf(`    s = socket.socket()
    s.settimeout(2)
    try:
        s.connect(("127.0.0.1", %d))
    except OSError as e:
        print("refused:", e, file=sys.stderr)
        return {"connected": 0}
    return {"connected": 1}
`, port)))
	select {
	case <-accepted:
		t.Fatal("the candidate reached a listener on the host's loopback")
	case <-time.After(200 * time.Millisecond):
	}
	if !res.Valid || res.Metrics["connected"] != 0 || !strings.Contains(res.Feedback, "refused:") {
		t.Fatalf("want a refused connection, got %+v", res)
	}
}

func TestHostileForksForever(t *testing.T) {
	tk := jailedTask(t, "10s")
	start := time.Now()
	res := evaluate(t, tk, candidate(`    n = 0
    while True:
        try:
            if os.fork() == 0:
                while True:
                    pass
            n += 1
        except OSError as e:
            print("fork refused after", n, e, file=sys.stderr)
            return {"forks": n}
`))
	if res.Valid && res.Metrics["forks"] >= 64 {
		t.Fatalf("the candidate made %v processes past the cap of 64: %+v", res.Metrics["forks"], res)
	}
	if !strings.Contains(res.Feedback, "fork refused") && res.Valid {
		t.Fatalf("want the fork refused: %+v", res)
	}
	// The job's processes are gone: the host can still start one, and no
	// spinning child of the job is left.
	if err := exec.Command("true").Run(); err != nil {
		t.Fatalf("the host cannot start a process after the fork bomb: %v", err)
	}
	if out, _ := exec.Command("pgrep", "-u", "65534", "-f", "asi_run.py").Output(); len(out) > 0 {
		t.Fatalf("processes of the job outlived it: %s", out)
	}
	t.Logf("fork bomb contained in %s: %.200s", time.Since(start).Round(time.Millisecond), res.Feedback)
}

func TestHostileWritesOutsideItsFolder(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "escaped")
	tk := jailedTask(t, "30s")
	res := evaluate(t, tk, candidate(fmt.Sprintf(`    wrote = 0
    for path in [%q, "../escaped", "/usr/escaped", os.path.expanduser("~/escaped")]:
        try:
            with open(path, "w") as f:
                f.write("out")
            wrote += 1
            print("wrote", path, file=sys.stderr)
        except OSError as e:
            print("refused:", path, e, file=sys.stderr)
    return {"wrote": wrote}
`, outside)))
	for _, p := range []string{outside, "/usr/escaped"} {
		if _, err := os.Stat(p); err == nil {
			os.Remove(p)
			t.Fatalf("the candidate wrote %s on the host", p)
		}
	}
	if !res.Valid || strings.Count(res.Feedback, "refused:") < 3 {
		t.Fatalf("want at least 3 refused writes: %+v", res)
	}
}
