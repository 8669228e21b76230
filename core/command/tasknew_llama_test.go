package command

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/asi-evolve/asi/internal/testenv"
)

// llamaInstaller installs what TestTaskNewTinyLlama needs.
const llamaInstaller = "scripts/ci/install-llama.sh"

// TestTaskNewTinyLlama runs asi task new against a real OpenAI-compatible
// server (llama.cpp through node-llama-cpp) with the tiny model of the
// shared folder, which answers with Go-looking text whatever it is asked:
// the command must fail cleanly, with the reason, and write nothing.
func TestTaskNewTinyLlama(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real model server")
	}
	base := startTinyLlama(t)
	t.Setenv("ASI_MODEL", "tiny-go-char.gguf")
	t.Setenv("OPENAI_BASE_URL", base)
	t.Setenv("OPENAI_API_KEY", draftKey)
	work := t.TempDir()
	t.Chdir(work)
	stdout, stderr, code := run(t, "task", "new", "-rounds", "1", "-max-tokens", "200", "-o", "drafted",
		"Pack 26 circles in a unit square, maximising the sum of their radii")
	if code != exitError {
		t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	// The tiny model's context is shorter than asi's instructions, and the
	// server says so; a server with room answers with Go, not the blocks.
	refused := []string{"draft 1/2: asking tiny-go-char.gguf", "asi task new: draft 1: the model: ", "http 500", "too long prompt"}
	unparsed := []string{"draft 1/2: asking tiny-go-char.gguf", "draft 2/2: asking", "asi task new: no draft passed its checks after 2 draft(s)", "reply: FAILED", "no evaluator.py block"}
	if !containsAll(stderr, refused) && !containsAll(stderr, unparsed) {
		t.Errorf("stderr says neither that the server refused the prompt (%q) nor that the reply had no blocks (%q):\n%s", refused, unparsed, stderr)
	}
	if strings.Contains(stdout+stderr, draftKey) {
		t.Error("the key is in the output")
	}
	assertNothingIn(t, work)
}

// sharedLLMDir is the nearest shared/llm folder beside the repository or
// beside a folder above it (a checkout may lie deeper than its shared
// folder); ../shared/llm when there is none, for the message.
func sharedLLMDir(root string) string {
	for dir := filepath.Dir(root); ; dir = filepath.Dir(dir) {
		candidate := filepath.Join(dir, "shared", "llm")
		if _, err := os.Stat(filepath.Join(candidate, "tiny-go-char.gguf")); err == nil {
			return candidate
		}
		if filepath.Dir(dir) == dir {
			return filepath.Join(root, "..", "shared", "llm")
		}
	}
}

// startTinyLlama starts the shared folder's server script with its tiny
// model on a free port and returns its base URL; the test's cleanup stops
// it. The shared folder is ASI_LLM_DIR, else sharedLLMDir's;
// node-llama-cpp is where the installer put it.
func startTinyLlama(t *testing.T) string {
	t.Helper()
	shared := os.Getenv("ASI_LLM_DIR")
	if shared == "" {
		shared = sharedLLMDir(repoRoot(t))
	}
	model := filepath.Join(shared, "tiny-go-char.gguf")
	if _, err := os.Stat(model); err != nil {
		testenv.Skipf(t, "no tiny model (%v): set ASI_LLM_DIR to the shared llm folder and run %s", err, llamaInstaller)
	}
	install := os.Getenv("ASI_LLAMA_DIR")
	if install == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			testenv.Skipf(t, "no home folder for node-llama-cpp (%v): set ASI_LLAMA_DIR and run %s", err, llamaInstaller)
		}
		install = filepath.Join(home, ".cache", "asi", "llama")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		testenv.Skipf(t, "node is not installed: run %s", llamaInstaller)
	}
	for _, need := range []string{"openai-server.mjs", filepath.Join("node_modules", "node-llama-cpp", "package.json")} {
		if _, err := os.Stat(filepath.Join(install, need)); err != nil {
			testenv.Skipf(t, "node-llama-cpp is not installed in %s (%v): run %s", install, err, llamaInstaller)
		}
	}
	absModel, err := filepath.Abs(model)
	if err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	cmd := exec.Command(node, "openai-server.mjs", absModel, strconv.Itoa(port), "2")
	cmd.Dir = install
	var log strings.Builder
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start the llama server: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stopped := false
	stop := func() {
		if !stopped {
			_ = cmd.Process.Kill()
			<-exited
			stopped = true
		}
	}
	t.Cleanup(stop)
	base := "http://127.0.0.1:" + strconv.Itoa(port) + "/v1"
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case err := <-exited:
			stopped = true
			t.Fatalf("the llama server exited: %v\n%s", err, log.String())
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/models", nil)
		resp, err := http.DefaultClient.Do(req)
		cancel()
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base
			}
		}
		if time.Now().After(deadline) {
			stop() // its output is read only once it stopped writing
			t.Fatalf("the llama server was not ready within a minute: %v\n%s", err, log.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// freePort is a TCP port of 127.0.0.1 that nothing listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// repoRoot is the repository's root: the folder above core/command.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}
