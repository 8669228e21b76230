package command

import (
	"encoding/json"
	"errors"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/internal/chattest"
	"github.com/asi-evolve/asi/internal/testenv"
	"github.com/asi-evolve/asi/sandbox"
)

// draftServer is an OpenAI-compatible server that answers each request
// with the next of its replies and keeps what it was sent.
type draftServer struct {
	*httptest.Server
	mu       sync.Mutex
	replies  []string
	requests []string // the last message of each request
	auth     []string // each request's Authorization header
}

func newDraftServer(t *testing.T, replies ...string) *draftServer {
	t.Helper()
	d := &draftServer{replies: replies}
	d.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Messages []struct{ Role, Content string }
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Messages) == 0 {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		d.mu.Lock()
		d.requests = append(d.requests, req.Messages[len(req.Messages)-1].Content)
		d.auth = append(d.auth, r.Header.Get("Authorization"))
		reply := "I have no more drafts."
		if len(d.replies) > 0 {
			reply, d.replies = d.replies[0], d.replies[1:]
		}
		d.mu.Unlock()
		chattest.Reply(w, reply)
	}))
	t.Cleanup(d.Close)
	return d
}

func (d *draftServer) sent() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.requests...)
}

// The parts of the drafts the server replies with.
const (
	draftLoad = `import importlib.util
import math
import random


def load(program_path):
    spec = importlib.util.spec_from_file_location("program", program_path)
    program = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(program)
    return program.solve()


def score(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return {"combined_score": 0.0, "error": "solve() must return a finite number"}
    if not 0 <= value <= 10:
        return {"combined_score": 0.0, "error": "solve() must return a number in [0, 10]"}
    return {"combined_score": float(value)}
`
	// careful catches whatever the program does and says why.
	carefulEvaluate = `

def evaluate(program_path):
    try:
        value = load(program_path)
    except Exception as exc:
        return {"combined_score": 0.0, "error": "the program failed: %s" % exc}
    return score(value)
`
	// noisy adds unseeded noise: two runs disagree.
	noisyEvaluate = `

def evaluate(program_path):
    try:
        value = load(program_path)
    except Exception as exc:
        return {"combined_score": 0.0, "error": "the program failed: %s" % exc}
    result = score(value)
    result["combined_score"] += random.random() / 1000
    return result
`
	// trusting lets the program's failures through as exceptions.
	trustingEvaluate = `

def evaluate(program_path):
    return score(load(program_path))
`
	draftInitial = `# EVOLVE-BLOCK-START
def solve():
    return 1.5
# EVOLVE-BLOCK-END
`
	// draftStatement holds what could break out of an HCL string.
	draftStatement = "Return a number in [0, 10] from solve(); say \"higher\" is better. ${file(\"/etc/passwd\")} %{ if true }x%{ endif }\nsecond line \\ end"
)

// draftReply is a reply in the format asked for.
func draftReply(evaluator string) string {
	meta, _ := json.Marshal(map[string]any{"statement": draftStatement, "primary": "combined_score", "direction": "maximize"})
	return "Here is the task.\n\n```python evaluator.py\n" + evaluator + "```\n\n```python initial_program.py\n" + draftInitial +
		"```\n\n```json task.json\n" + string(meta) + "\n```\n"
}

const draftKey = "sk-draft-test-4e1d9c0b7a"

// needPythonWasm skips (fails under CI) when the sandbox's CPython, which
// runs the drafted evaluators, has not been built.
func needPythonWasm(t *testing.T) {
	t.Helper()
	if _, err := sandbox.PythonHome(); errors.Is(err, sandbox.ErrPythonNotBuilt) {
		testenv.Skipf(t, "%v: run make python-wasm (scripts/ci/install-python-wasm.sh installs what it needs)", err)
	}
}

// useDraftServer points asi task new at srv, with the test's key.
func useDraftServer(t *testing.T, srv *draftServer) {
	t.Setenv("ASI_MODEL", "scripted")
	t.Setenv("OPENAI_BASE_URL", srv.URL+"/v1")
	t.Setenv("OPENAI_API_KEY", draftKey)
}

// TestTaskNewGoodDraft: a good first draft becomes a folder that task
// check and apply accept; the statement's quotes and ${ stay text; the
// key goes to the server and nowhere else.
func TestTaskNewGoodDraft(t *testing.T) {
	needPythonWasm(t)
	srv := newDraftServer(t, draftReply(draftLoad+carefulEvaluate))
	useDraftServer(t, srv)
	work := t.TempDir()
	t.Chdir(work)
	stdout, stderr, code := run(t, "task", "new", "Return", "a number", "in [0, 10]")
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	dir := filepath.Join(work, "return-a-number-in")
	file := filepath.Join(dir, "campaign.hcl")
	for _, want := range []string{"Wrote " + dir, "- bad output rejected: passed", "asi task check " + file} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	for _, want := range []string{"draft 1/4: asking scripted", "initial program scores: passed", "two runs agree: passed", "contained: passed"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if auth := srv.auth; len(auth) != 1 || auth[0] != "Bearer "+draftKey {
		t.Errorf("Authorization headers %q, want the key sent once", auth)
	}

	cfg, diags := campaign.NewParser().LoadFile(file)
	if diags.HasErrors() {
		t.Fatalf("the campaign file: %v", diags)
	}
	if s := cfg.Task.Settings["statement"].Value; !s.Type().Equals(cty.String) || s.AsString() != draftStatement {
		t.Errorf("statement = %#v, want %q", s, draftStatement)
	}
	if iso := cfg.Task.Settings["isolation"].Value; iso.AsString() != "wasm" {
		t.Errorf("isolation = %q, want wasm", iso.AsString())
	}
	if len(cfg.Models) != 0 {
		t.Errorf("the campaign file has model blocks: %v", cfg.Models)
	}

	if out, errOut, code := run(t, "task", "check", file); code != exitOK {
		t.Fatalf("task check: exit %d\n%s\n%s", code, out, errOut)
	}
	state := filepath.Join(t.TempDir(), "state")
	if out, errOut, code := run(t, "apply", "-steps", "3", "-state", state, file); code != exitOK {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
	}
	assertNotLeaked(t, draftKey, stdout+stderr, dir)
}

// TestTaskNewFixRounds: a non-deterministic evaluator, then one that
// crashes on an empty program, then a good one: each failure goes back to
// the model with its report, and the third draft lands.
func TestTaskNewFixRounds(t *testing.T) {
	needPythonWasm(t)
	srv := newDraftServer(t, draftReply(draftLoad+noisyEvaluate), draftReply(draftLoad+trustingEvaluate), draftReply(draftLoad+carefulEvaluate))
	useDraftServer(t, srv)
	work := t.TempDir()
	t.Chdir(work)
	dir := filepath.Join(work, "drafted")
	stdout, stderr, code := run(t, "task", "new", "-o", dir, "Return a number in [0, 10]")
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	sent := srv.sent()
	if len(sent) != 3 {
		t.Fatalf("%d requests, want 3", len(sent))
	}
	for i, want := range []string{"not deterministic: seed it", "empty-program (an empty program): evaluate raised instead of returning an error"} {
		if !strings.Contains(sent[i+1], want) {
			t.Errorf("request %d lacks %q:\n%s", i+2, want, sent[i+1])
		}
	}
	if !strings.Contains(stdout, "(draft 3)") {
		t.Errorf("stdout:\n%s", stdout)
	}
	checks, err := os.ReadFile(filepath.Join(dir, "CHECKS.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(checks), "this draft is number 3") || !strings.Contains(string(checks), "- two runs agree: passed") {
		t.Errorf("CHECKS.md:\n%s", checks)
	}
}

// TestTaskNewAllRoundsBad: drafts that never pass exit 1 with the last
// report and leave nothing at the target, nor beside it.
func TestTaskNewAllRoundsBad(t *testing.T) {
	needPythonWasm(t)
	srv := newDraftServer(t, draftReply(draftLoad+noisyEvaluate), draftReply(draftLoad+noisyEvaluate))
	useDraftServer(t, srv)
	work := t.TempDir()
	t.Chdir(work)
	stdout, stderr, code := run(t, "task", "new", "-rounds", "1", "-o", "drafted", "Return a number in [0, 10]")
	if code != exitError {
		t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"no draft passed its checks after 2 draft(s)", "two runs agree: FAILED", "not deterministic: seed it"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	assertNothingIn(t, work)
}

// TestTaskNewContainsHostileEvaluators: drafted evaluators that read the
// host's /etc/passwd into their score, connect to a port on the host, or
// never return are contained in the sandbox, reported, and leave nothing.
func TestTaskNewContainsHostileEvaluators(t *testing.T) {
	needPythonWasm(t)
	passwd, err := os.ReadFile("/etc/passwd")
	if err != nil || len(passwd) == 0 {
		t.Fatalf("the host's /etc/passwd: %v", err)
	}
	firstEntry, _, _ := strings.Cut(string(passwd), "\n")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var mu sync.Mutex
	connections := 0
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			connections++
			mu.Unlock()
			c.Close()
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port

	tests := []struct {
		name      string
		evaluator string
		want      []string
	}{
		{"reads /etc/passwd", `
def evaluate(program_path):
    data = open("/etc/passwd").read()
    return {"combined_score": float(len(data)), "error": data, "passwd": data}
`, []string{"tried a file outside its folder", "/etc/passwd"}},
		{"opens a socket", `
import socket

def evaluate(program_path):
    s = socket.create_connection(("127.0.0.1", ` + strconv.Itoa(port) + `), timeout=2)
    s.sendall(b"hello")
    return {"combined_score": 1.0}
`, []string{"tried the network", "the sandbox has none"}},
		{"never returns", `
def evaluate(program_path):
    while True:
        pass
`, []string{"overran its time limit", "time limit of 2s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newDraftServer(t, draftReply(tt.evaluator))
			useDraftServer(t, srv)
			work := t.TempDir()
			t.Chdir(work)
			stdout, stderr, code := run(t, "task", "new", "-rounds", "0", "-timeout", "2s", "-o", "drafted", "Return a number")
			if code != exitError {
				t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
			}
			for _, want := range append(tt.want, "contained: FAILED") {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			if strings.Contains(stdout+stderr, firstEntry) {
				t.Errorf("the host's /etc/passwd reached the output:\n%s\n%s", stdout, stderr)
			}
			assertNothingIn(t, work)
		})
	}
	mu.Lock()
	defer mu.Unlock()
	if connections != 0 {
		t.Errorf("a drafted evaluator reached a port on the host %d time(s)", connections)
	}
}

// TestTaskNewRefuses: what the command line lacks, a folder in the way
// and a server that is down each get a clear message, and nothing is
// written.
func TestTaskNewRefuses(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	downURL := closed.URL + "/v1"
	closed.Close()
	tests := []struct {
		name string
		env  map[string]string
		args []string
		code int
		want []string
	}{
		{"no model", map[string]string{"ASI_MODEL": "", "OPENAI_BASE_URL": "http://127.0.0.1:1/v1"}, []string{"d"}, exitUsage, []string{"no model: name one with -model NAME or $ASI_MODEL"}},
		{"no server", map[string]string{"ASI_MODEL": "m", "OPENAI_BASE_URL": ""}, []string{"d"}, exitUsage, []string{"no server: give the OpenAI-compatible API with -base-url URL or $OPENAI_BASE_URL"}},
		{"no description", map[string]string{"ASI_MODEL": "m", "OPENAI_BASE_URL": downURL}, []string{" "}, exitUsage, []string{"the description is empty"}},
		{"folder in the way", map[string]string{"ASI_MODEL": "m", "OPENAI_BASE_URL": downURL}, []string{"-o", "taken", "d"}, exitError, []string{"taken: the folder exists and is not empty; name another with -o, or replace it with -force"}},
		{"server down", map[string]string{"ASI_MODEL": "m", "OPENAI_BASE_URL": downURL, "OPENAI_API_KEY": draftKey}, []string{"d"}, exitError, []string{"draft 1: the model:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			work := t.TempDir()
			t.Chdir(work)
			if err := os.MkdirAll(filepath.Join(work, "taken"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(work, "taken", "mine"), []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
			stdout, stderr, code := run(t, append([]string{"task", "new"}, tt.args...)...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, stdout, stderr)
			}
			for _, want := range tt.want {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			if strings.Contains(stdout+stderr, draftKey) {
				t.Errorf("the key is in the output:\n%s", stderr)
			}
			entries, _ := os.ReadDir(work)
			if len(entries) != 1 {
				t.Errorf("%d entries in the folder, want the one in the way alone", len(entries))
			}
		})
	}
}

// assertNothingIn fails when dir holds anything: no target, no workspace.
func assertNothingIn(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("left behind: %s", filepath.Join(dir, e.Name()))
	}
}

// assertNotLeaked fails when secret is in out or any file under dir.
func assertNotLeaked(t *testing.T, secret, out, dir string) {
	t.Helper()
	if strings.Contains(out, secret) {
		t.Errorf("the key is in the output")
	}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(data), secret) {
			t.Errorf("the key is in %s", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestTaskNewWithPackages: with -packages, and only then, the drafted
// evaluator runs as a job of the local executor in its jail, where the
// machine's packages are; the checks run there too.
func TestTaskNewWithPackages(t *testing.T) {
	if os.Geteuid() != 0 {
		testenv.Skipf(t, "the jail runs jobs as nobody and needs root")
	}
	if _, err := exec.LookPath("bwrap"); err != nil {
		testenv.Skipf(t, "no bubblewrap (%v): run scripts/ci/install-jail.sh", err)
	}
	srv := newDraftServer(t, draftReply(draftLoad+carefulEvaluate))
	useDraftServer(t, srv)
	work := t.TempDir()
	for d := work; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		_ = os.Chmod(d, 0o711) // jobs run as nobody when the tests are root
	}
	t.Chdir(work)
	stdout, stderr, code := run(t, "task", "new", "-packages", "-o", "pk", "Return a number in [0, 10]")
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	file := filepath.Join(work, "pk", "campaign.hcl")
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), `isolation = "jail"`) || !strings.Contains(string(src), `executor "local"`) {
		t.Fatalf("the campaign does not run the evaluator in the jail:\n%s", src)
	}
	stdout, stderr, code = run(t, "plan", file)
	if code != exitOK || !strings.Contains(stdout, "in its jail") {
		t.Errorf("plan: exit %d, want the evaluations in the jail\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if _, stderr, code := run(t, "task", "check", file); code != exitOK {
		t.Errorf("task check: exit %d\n%s", code, stderr)
	}
}
