package faults

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestSecretsStayOut runs a campaign whose researcher uses a model block
// with the API key from the environment, then looks for the key in every
// byte asi wrote or printed: the campaign directory (database, WAL,
// plugins.log, artifacts), the HTML report, both exports, status -json,
// show -json and the output of apply itself.
func TestSecretsStayOut(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real campaign")
	}
	const key = "sk-test-SECRET-5e3c1b9f0a7d4e2c"
	const steps = 4
	srv := newLLMServer(t, key, func(n int) fault {
		if n == 1 {
			return faultServer // an error path, where keys leak most
		}
		return faultNone
	})
	file, state := campaign(t, steps, 1, "", modelBlocks(srv.URL+"/v1"))
	env := []string{"OPENAI_API_KEY=" + key}
	outputs := map[string]string{}
	run := func(name string, args ...string) {
		out, err := asi(t, 2*time.Minute, env, args...)
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out)
		}
		outputs[name] = out
	}
	run("apply", "apply", "-state", state, file)
	run("plan", "plan", file)
	run("status -json", "status", "-state", state, "-json")
	run("show -json", "show", "-state", state, "-json", "2")
	run("export jsonl", "export", "-state", state)
	run("export csv", "export", "-state", state, "-format", "csv")
	report := filepath.Join(t.TempDir(), "report.html")
	run("report", "report", "-state", state, "-o", report)
	checkDatabase(t, state, steps)
	if srv.replies < steps {
		t.Fatalf("the server answered %d times; the key was not used", srv.replies)
	}

	files := []string{report}
	_ = filepath.WalkDir(state, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		outputs[f] = string(b)
	}
	for name, text := range outputs {
		if bytes.Contains([]byte(text), []byte(key)) || bytes.Contains([]byte(text), []byte(key[len(key)-12:])) {
			t.Errorf("%s holds the API key", name)
		}
	}
	t.Logf("searched %d outputs and files", len(outputs))
}
