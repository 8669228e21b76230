package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/asi-evolve/asi/sdk"
)

// guestFolder is where the job's folder lies in the guest's files; the
// sandbox runs main.py at the top, which is asi's and cannot clash with
// an evaluator's own main.py.
const guestFolder = "job/"

// resultLine prefixes the runner's report on its stdout.
const resultLine = "ASI-RESULT "

// runInSandbox runs the evaluation in the sandbox's CPython. The guest's
// files are read-only, so the runner reports on stdout.
func (c *config) runInSandbox(ctx context.Context, sb sdk.Sandbox, spec jobSpec) (sdk.Result, error) {
	if sb == nil {
		return sdk.Result{}, errors.New("script task: the host lent no sandbox")
	}
	files := make(map[string][]byte, len(spec.files)+1)
	for k, v := range spec.files {
		files[guestFolder+k] = v
	}
	files["main.py"] = []byte(guestMain(spec.command))
	run, err := sb.Run(ctx, sdk.SandboxRun{Language: "python", Files: files, Limits: sdk.Limits{Timeout: c.timeout}})
	if err != nil {
		return sdk.Result{}, fmt.Errorf("script task: sandbox: %w", err)
	}
	stderr := sdk.Tail(run.Stderr, logTail)
	var report []byte
	for _, line := range bytes.Split(run.Stdout, []byte("\n")) {
		if rest, ok := bytes.CutPrefix(line, []byte(resultLine)); ok {
			report = rest
		}
	}
	if report == nil {
		detail := run.Reason
		if run.Detail != "" {
			detail += ": " + run.Detail
		}
		return sdk.Result{Valid: false, Feedback: strings.TrimSpace(fmt.Sprintf("the evaluation ended with no result (%s)\n%s", detail, stderr)),
			Artifacts: map[string][]byte{"log": []byte(stderr)}}, nil
	}
	res, err := fromRunner(report)
	if err != nil {
		return sdk.Result{Valid: false, Feedback: err.Error() + "\n" + stderr}, nil
	}
	if stderr != "" {
		res.Artifacts["log"] = []byte(stderr)
		res.Feedback = strings.TrimSpace(res.Feedback + "\nstderr (end):\n" + stderr)
	}
	return res, nil
}

// guestMain starts the runner in the job's folder with the job's
// arguments (the interpreter, the first, is the guest's own).
func guestMain(command []string) string {
	var args []string
	for _, a := range command[1:] {
		if a == "-B" {
			continue
		}
		args = append(args, fmt.Sprintf("%q", a))
	}
	return fmt.Sprintf(`import os, runpy, sys
os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), %q))
sys.argv = [%s]
runpy.run_path(sys.argv[0], run_name="__main__")
`, strings.TrimSuffix(guestFolder, "/"), strings.Join(args, ", "))
}
