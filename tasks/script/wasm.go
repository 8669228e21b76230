package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
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
	token, err := resultToken()
	if err != nil {
		return sdk.Result{}, err
	}
	files["main.py"] = []byte(guestMain(append(slices.Clip(spec.command), "--token-stdin")))
	run, err := sb.Run(ctx, sdk.SandboxRun{Language: "python", Files: files, Stdin: []byte(token + "\n"), Limits: sdk.Limits{Timeout: c.timeout}})
	if err != nil {
		return sdk.Result{}, fmt.Errorf("script task: sandbox: %w", err)
	}
	stderr := sdk.Tail(run.Stderr, logTail)
	// Only the runner's line carries the token: the candidate shares the
	// runner's interpreter and can print a result line, but it runs after
	// the runner read the token from stdin.
	var report []byte
	prefix := []byte(resultLine + token + " ")
	for _, line := range bytes.Split(run.Stdout, []byte("\n")) {
		if rest, ok := bytes.CutPrefix(line, prefix); ok {
			report = rest
		}
	}
	if report == nil {
		detail := run.Reason
		if run.Detail != "" {
			detail += ": " + run.Detail
		}
		if detail == "" {
			detail = "the interpreter exited before asi's runner reported"
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

// resultToken is a fresh random token for one evaluation's result line.
func resultToken() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("script task: a result token: %w", err)
	}
	return hex.EncodeToString(b), nil
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
