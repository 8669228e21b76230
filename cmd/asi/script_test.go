package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/asi-evolve/asi/internal/testenv"
	"github.com/asi-evolve/asi/sdk/bundle"
)

// copyTree copies the folder src into dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		info, _ := d.Info()
		return os.WriteFile(filepath.Join(dst, rel), data, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
}

// requireNumpy fails under CI, and skips elsewhere, where the machine's
// Python lacks numpy (the OpenEvolve example's evaluator imports it).
func requireNumpy(t *testing.T) {
	t.Helper()
	if err := exec.Command("/usr/bin/python3", "-c", "import numpy").Run(); err != nil {
		testenv.Skipf(t, "/usr/bin/python3 cannot import numpy (%v): run scripts/ci/install-torch.sh", err)
	}
}

// TestImportedExamplesApply runs each folder of hcl-examples/script made
// for another system, unchanged: `asi import` writes its campaign file,
// `asi task check` scores the initial program, `asi apply` runs it offline.
func TestImportedExamplesApply(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real campaigns")
	}
	bin := buildAsi(t)
	tests := []struct {
		kind, folder string
		isolation    string // appended to the task block when set
		primary      string
	}{
		{"openevolve", "openevolve-minimize", "", "combined_score"},
		{"shinka", "shinka-circle-packing", "", "combined_score"},
		{"shinka", "shinka-circle-packing", "wasm", "combined_score"},
		{"asi-evolve", "asi-evolve-series", "", "eval_score"},
	}
	for _, tt := range tests {
		t.Run(tt.folder+"/"+tt.kind+tt.isolation, func(t *testing.T) {
			if tt.kind == "openevolve" {
				requireNumpy(t)
			}
			root := t.TempDir()
			for d := root; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
				_ = os.Chmod(d, 0o711) // jobs run as nobody when the tests are root
			}
			dir := filepath.Join(root, tt.folder)
			copyTree(t, filepath.Join(repoRoot(t), "hcl-examples", "script", tt.folder), dir)
			asi := func(args ...string) string {
				t.Helper()
				cmd := exec.Command(bin, args...)
				cmd.Dir = root
				cmd.Env = append(os.Environ(), "OPENAI_API_KEY=", "OPENAI_BASE_URL=")
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("asi %s: %v\n%s", strings.Join(args, " "), err, out)
				}
				return string(out)
			}
			asi("import", "-offline", tt.kind, dir)
			file := filepath.Join(dir, "campaign.hcl")
			if tt.isolation != "" {
				src, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				src = []byte(strings.Replace(string(src), "task {\n", "task {\n  isolation = \""+tt.isolation+"\"\n", 1))
				if err := os.WriteFile(file, src, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			plan := asi("plan", file)
			wantRuns := map[string]string{"": "in its jail", "wasm": "wasm sandbox"}[tt.isolation]
			if !strings.Contains(plan, "runs on:") || !strings.Contains(plan, wantRuns) {
				t.Errorf("plan does not say the evaluations run %s:\n%s", wantRuns, plan)
			}
			check := asi("task", "check", file)
			if !strings.Contains(check, "score:   "+tt.primary+" = ") {
				t.Fatalf("task check gave no %s:\n%s", tt.primary, check)
			}
			state := filepath.Join(root, "state")
			out := asi("apply", "-steps", "6", "-state", state, file)
			if !strings.Contains(out, "6 of 6 done") {
				t.Fatalf("apply did not run 6 steps:\n%s", out)
			}
			nodes := storedNodes(t, state)
			checkAChildIsValid(t, nodes)
			for _, n := range nodes {
				if n.Valid && !(n.Metrics[tt.primary] >= 0) {
					t.Errorf("node %d is valid with %s = %v", n.ID, tt.primary, n.Metrics[tt.primary])
				}
			}
		})
	}
}

// TestMultiFileExampleEditsBothFiles runs the example whose program is two
// files and checks that edits landed in each, and that `asi best -o`
// writes the best program back as a folder.
func TestMultiFileExampleEditsBothFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real campaign")
	}
	bin := buildAsi(t)
	root := t.TempDir()
	for d := root; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		_ = os.Chmod(d, 0o711)
	}
	state := filepath.Join(root, "state")
	file := filepath.Join(repoRoot(t), "hcl-examples", "knapsack-two-files.hcl")
	cmd := exec.Command(bin, "apply", "-steps", "16", "-state", state, file)
	cmd.Env = append(os.Environ(), "OPENAI_API_KEY=", "OPENAI_BASE_URL=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	nodes := storedNodes(t, state)
	checkAChildIsValid(t, nodes)
	code := map[int64]string{}
	for _, n := range nodes {
		code[n.ID] = n.Code
	}
	edited := map[string]int{}
	for _, n := range nodes {
		if len(n.Parents) == 0 {
			continue
		}
		mine, err := bundle.Split(n.Code)
		if err != nil || len(mine) != 2 {
			t.Fatalf("node %d is not the program's two files (%v):\n%s", n.ID, err, n.Code)
		}
		parent, _ := bundle.Split(code[n.Parents[0]])
		for i, f := range mine {
			if f.Path != parent[i].Path {
				t.Fatalf("node %d: file %d is %s, its parent's %s", n.ID, i, f.Path, parent[i].Path)
			}
			if f.Content != parent[i].Content {
				edited[f.Path]++
			}
		}
	}
	if edited["pack.py"] == 0 || edited["params.py"] == 0 {
		t.Fatalf("edits landed in %v; want both pack.py and params.py", edited)
	}
	out := filepath.Join(root, "best")
	if b, err := exec.Command(bin, "best", "-state", state, "-o", out).CombinedOutput(); err != nil {
		t.Fatalf("best -o: %v\n%s", err, b)
	}
	for _, name := range []string{"pack.py", "params.py"} {
		data, err := os.ReadFile(filepath.Join(out, name))
		if err != nil || !strings.Contains(string(data), "EVOLVE-BLOCK-START") {
			t.Fatalf("best -o wrote no %s with its EVOLVE block: %v", name, err)
		}
	}
	t.Logf("edits per file over %d nodes: %v", len(nodes), edited)
}

// TestScriptTaskCheckFailures: `asi task check` on a script task names
// what is wrong with the initial program or its evaluator.
func TestScriptTaskCheckFailures(t *testing.T) {
	if testing.Short() {
		t.Skip("runs evaluators")
	}
	bin := buildAsi(t)
	const evaluator = "import importlib.util, math, time\n" +
		"def evaluate(path):\n" +
		"    spec = importlib.util.spec_from_file_location('p', path)\n" +
		"    m = importlib.util.module_from_spec(spec)\n" +
		"    spec.loader.exec_module(m)\n" +
		"    return {'combined_score': m.score()}\n"
	const marked = "# EVOLVE-BLOCK-START\ndef score():\n    return %s\n# EVOLVE-BLOCK-END\n"
	tests := []struct {
		name, program string
		want          []string
		executor      string // the campaign's executor block
	}{
		{"ok", fmt.Sprintf(marked, "0.5"), nil, ""},
		{"no executor", fmt.Sprintf(marked, "0.5"), []string{"Task needs an executor", `executor "local" {}`}, "none"},
		{"no markers", "def score():\n    return 0.5\n", []string{"no editable region", "EVOLVE-BLOCK-START"}, ""},
		{"does not build", fmt.Sprintf(marked, "0.5 +"), []string{"failed its evaluation", "SyntaxError"}, ""},
		{"nan metric", fmt.Sprintf(marked, "float('nan')"), []string{"not a finite number", "combined_score is NaN"}, ""},
		{"hangs", fmt.Sprintf(marked, "__import__('time').sleep(600)"), []string{"failed its evaluation", "timed_out"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			for d := root; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
				_ = os.Chmod(d, 0o711)
			}
			files := map[string]string{
				"evaluator.py": evaluator, "initial_program.py": tt.program,
				"campaign.hcl": "campaign \"check\" {\n  task = \"script\"\n}\n\ntask {\n  contract  = \"openevolve\"\n" +
					"  evaluator = \"evaluator.py\"\n  initial   = \"initial_program.py\"\n  timeout   = \"2s\"\n}\n",
			}
			if tt.executor == "" {
				files["campaign.hcl"] += "\nexecutor \"local\" {}\n"
			}
			for name, src := range files {
				if err := os.WriteFile(filepath.Join(root, name), []byte(src), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			cmd := exec.Command(bin, "task", "check", filepath.Join(root, "campaign.hcl"))
			cmd.Dir = root
			out, err := cmd.CombinedOutput()
			if tt.want == nil {
				if err != nil || !strings.Contains(string(out), "combined_score = 0.5") {
					t.Fatalf("want a pass with the score: %v\n%s", err, out)
				}
				return
			}
			if err == nil {
				t.Fatalf("check passed; want it to fail:\n%s", out)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}
