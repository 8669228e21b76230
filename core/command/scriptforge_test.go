package command

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestForgedResultLineIsNotBelieved: an OpenEvolve evaluator imports the
// candidate into the runner's interpreter in the wasm sandbox, so the
// candidate can print a result line of its own and exit before the
// runner reports. Only the line with the token the runner read from stdin,
// before any candidate code ran, is read: the forged score is not.
func TestForgedResultLineIsNotBelieved(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"evaluator.py": "import importlib.util\n\ndef evaluate(program_path):\n" +
			"    spec = importlib.util.spec_from_file_location('program', program_path)\n" +
			"    program = importlib.util.module_from_spec(spec)\n    spec.loader.exec_module(program)\n" +
			"    return {'combined_score': float(program.answer())}\n",
		"initial_program.py": "import os, sys\n\n# EVOLVE-BLOCK-START\nFORGE = True\n# EVOLVE-BLOCK-END\n\n\ndef answer():\n" +
			"    if FORGE:\n" +
			"        sys.__stdout__.write('ASI-RESULT {\"metrics\": {\"combined_score\": 1e6}, \"valid\": true, \"feedback\": \"\", \"artifacts\": {}, \"error\": \"\"}\\n')\n" +
			"        sys.__stdout__.flush()\n        os._exit(0)\n    return 1.0\n",
		"campaign.hcl": "campaign \"forge\" {\n  task = \"script\"\n}\n\ntask {\n  contract  = \"openevolve\"\n  evaluator = \"evaluator.py\"\n" +
			"  initial   = \"initial_program.py\"\n  isolation = \"wasm\"\n  timeout   = \"30s\"\n}\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	stdout, stderr, code := run(t, "task", "check", "campaign.hcl")
	if code != exitError || strings.Contains(stdout, "1e+06") || !strings.Contains(stderr, "ended with no result") {
		t.Fatalf("a forged result line: exit %d, want 1 and no result\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	// The same program without the forgery is scored as usual.
	honest := strings.Replace(files["initial_program.py"], "FORGE = True", "FORGE = False", 1)
	if err := os.WriteFile(filepath.Join(dir, "initial_program.py"), []byte(honest), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code = run(t, "task", "check", "campaign.hcl")
	if code != exitOK || !strings.Contains(stdout, "combined_score = 1 ") {
		t.Fatalf("the honest program: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}
