package command

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/asi-evolve/asi/core/store"
)

// bestStore makes a campaign directory whose best node holds code.
func bestStore(t *testing.T, code string) string {
	t.Helper()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "state")
	st, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for k, v := range map[string]string{"campaign": "demo", "task": "number", "primary": "value", "direction": "maximize"} {
		if err := st.SetMeta(ctx, k, v); err != nil {
			t.Fatal(err)
		}
	}
	n := store.Node{Name: "initial", Code: code, Valid: true, Score: 1, Status: store.StatusOK, Metrics: map[string]float64{"value": 1}}
	if _, err := st.Commit(ctx, &n, nil, nil); err != nil {
		t.Fatal(err)
	}
	return dir
}

// readTree returns every file under root by slash path.
func readTree(t *testing.T, root string) map[string]string {
	t.Helper()
	got := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		got[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

const bestBundle = "=== file: pkg/model.py ===\nw = 1\n=== file: run.py ===\nimport pkg\n"

func TestBestOneFile(t *testing.T) {
	dir := bestStore(t, "x = 1\n")
	stdout, stderr, code := run(t, "best", "-state", dir)
	if code != exitOK || stdout != "x = 1\n" || stderr != "" {
		t.Fatalf("best: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	out := filepath.Join(t.TempDir(), "best.py")
	if _, stderr, code := run(t, "best", "-state", dir, "-o", out); code != exitOK {
		t.Fatalf("best -o: exit %d\n%s", code, stderr)
	}
	if b, err := os.ReadFile(out); err != nil || string(b) != "x = 1\n" {
		t.Fatalf("best -o wrote %q (%v)", b, err)
	}
}

func TestBestFiles(t *testing.T) {
	dir := bestStore(t, bestBundle)
	stdout, stderr, code := run(t, "best", "-state", dir)
	if code != exitOK || stdout != bestBundle || !strings.Contains(stderr, "program of 2 files; `asi best -o DIR`") {
		t.Fatalf("best: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	stdout, _, code = run(t, "best", "-state", dir, "-json")
	if code != exitOK || !strings.Contains(stdout, `"path": "pkg/model.py"`) || !strings.Contains(stdout, `"content": "import pkg\n"`) {
		t.Fatalf("best -json: exit %d\n%s", code, stdout)
	}

	out := filepath.Join(t.TempDir(), "prog")
	stdout, stderr, code = run(t, "best", "-state", dir, "-o", out)
	if code != exitOK || !strings.Contains(stdout, "2 files: pkg/model.py, run.py") {
		t.Fatalf("best -o: exit %d\n%s\n%s", code, stdout, stderr)
	}
	want := map[string]string{"pkg/model.py": "w = 1\n", "run.py": "import pkg\n"}
	if diff := cmp.Diff(want, readTree(t, out)); diff != "" {
		t.Fatalf("folder (-want +got):\n%s", diff)
	}
	// A second write would mix two programs' files: refused.
	if _, stderr, code := run(t, "best", "-state", dir, "-o", out); code != exitError || !strings.Contains(stderr, "not empty") {
		t.Fatalf("best -o into a non-empty folder: exit %d\n%s", code, stderr)
	}
	empty := t.TempDir()
	if _, stderr, code := run(t, "best", "-state", dir, "-o", empty); code != exitOK {
		t.Fatalf("best -o into an empty folder: exit %d\n%s", code, stderr)
	}
	if diff := cmp.Diff(want, readTree(t, empty)); diff != "" {
		t.Fatalf("folder (-want +got):\n%s", diff)
	}
}

func TestBestRefusesPathOutsideFolder(t *testing.T) {
	for _, hostile := range []string{"../evil.py", "/tmp/evil.py", "a/../../evil.py"} {
		t.Run(hostile, func(t *testing.T) {
			dir := bestStore(t, "=== file: ok.py ===\nx = 1\n=== file: "+hostile+" ===\npwned\n")
			// Every path, resolved against out, lands under root: a refused
			// program must leave root without a file.
			root := t.TempDir()
			out := filepath.Join(root, "sub", "prog")
			_, stderr, code := run(t, "best", "-state", dir, "-o", out)
			if code != exitError || !strings.Contains(stderr, hostile) {
				t.Fatalf("best -o: exit %d, want 1 naming %q\n%s", code, hostile, stderr)
			}
			if got := readTree(t, root); len(got) != 0 {
				t.Fatalf("a refused program wrote %v", got)
			}
			if stdout, _, code := run(t, "best", "-state", dir, "-json"); code != exitError || stdout != "" {
				t.Fatalf("best -json: exit %d, want 1\n%s", code, stdout)
			}
		})
	}
}
