package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/asi-evolve/asi/plugins/executor"
	"github.com/asi-evolve/asi/sdk"
)

// TestVerifyCommandRunsAsTheHeldOutStage runs a json evaluator through a
// local executor: the public command trusts the score the program claims,
// the verify command recomputes it.
func TestVerifyCommandRunsAsTheHeldOutStage(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("no python3")
	}
	dir := t.TempDir()
	for d := dir; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		_ = os.Chmod(d, 0o711) // jobs run as nobody when the tests are root
	}
	l, err := executor.NewLocal(executor.LocalConfig{Dir: filepath.Join(dir, "jobs"), Slots: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	folder(t, map[string]string{
		"score.py":   "import json, runpy, sys\np = runpy.run_path(sys.argv[1])\nprint(json.dumps({'score': p['CLAIMED']}))\n",
		"verify.py":  "import json, runpy, sys\np = runpy.run_path(sys.argv[1])\nprint(json.dumps({'score': sum(p['ITEMS'])}))\n",
		"program.py": "# EVOLVE-BLOCK-START\nITEMS = [1, 2]\nCLAIMED = 3\n# EVOLVE-BLOCK-END\n",
	})
	tk := &Task{}
	err = tk.Configure(context.Background(), sdk.ConfigureRequest{
		Settings: withDefaults(sdk.Settings{"contract": "json", "command": []any{"python3", "score.py"}, "initial": "program.py",
			"verify_command": []any{"python3", "verify.py", "{program}"}}),
		Host: sdk.Host{Executor: l},
	})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := tk.Describe(context.Background())
	if len(d.Stages) != 2 || !d.Stages[1].HeldOut {
		t.Fatalf("stages %+v; want a held-out stage last", d.Stages)
	}
	hack := "# EVOLVE-BLOCK-START\nITEMS = [1, 2]\nCLAIMED = 99\n# EVOLVE-BLOCK-END\n"
	for stage, want := range []float64{99, 3} {
		res, err := tk.Evaluate(context.Background(), sdk.Candidate{NodeID: 2, Language: "python", Code: hack}, stage, 1)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Valid || res.Metrics["score"] != want {
			t.Errorf("stage %d: %+v; want score %v", stage, res, want)
		}
	}
}
