package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/asi-evolve/asi/sdk"
	"github.com/asi-evolve/asi/sdk/bundle"
)

// Version is the script task's version.
const Version = "1.0.0"

// logTail bounds how much of a job's log (the evaluator's stderr) goes
// into feedback.
const logTail = 3 << 10

// Task is the script task. It is safe for concurrent Evaluate calls once
// configured.
type Task struct {
	mu   sync.RWMutex
	cfg  *config
	host sdk.Host
}

// Describe implements sdk.Task.
func (t *Task) Describe(ctx context.Context) (sdk.Description, error) {
	t.mu.RLock()
	c := t.cfg
	t.mu.RUnlock()
	d := sdk.Description{
		Name: "script", Version: Version, Config: settings,
		Statement: "Runs an evaluator written for OpenEvolve, ShinkaEvolve or ASI-Evolve, or any command that prints JSON metrics.",
		Language:  "text", Primary: "combined_score", Direction: sdk.Maximize,
		Metrics: []sdk.Metric{{Name: "combined_score"}},
		Stages:  []sdk.Stage{{Name: "evaluate"}},
	}
	if c == nil {
		return d, nil
	}
	d.Statement, d.Language, d.InitialProgram = c.describe(), c.language, c.initial
	d.Primary, d.Direction, d.Stages = c.primary, c.direction, c.stages
	d.Metrics = []sdk.Metric{{Name: c.primary, Description: "the primary metric, as " + c.evaluatorLabel() + " reports it"}}
	for _, m := range c.metrics {
		if m != c.primary {
			d.Metrics = append(d.Metrics, sdk.Metric{Name: m})
		}
	}
	d.RunsOn, d.NeedsExecutor = c.runsOn(), c.isolation == isolationJail
	return d, nil
}

func (c *config) evaluatorLabel() string {
	if c.evaluatorName != "" {
		return c.evaluatorName
	}
	return strings.Join(c.command, " ")
}

// describe is the statement the researcher reads.
func (c *config) describe() string {
	var b strings.Builder
	if c.statement != "" {
		b.WriteString(strings.TrimSpace(c.statement))
		b.WriteString("\n\n")
	}
	fmt.Fprintf(&b, "The program (%s, %s) is scored by %s, which reports the metric %q; %s is better.",
		c.initialName, c.language, c.evaluatorLabel(), c.primary, map[sdk.Direction]string{sdk.Maximize: "higher", sdk.Minimize: "lower"}[c.direction])
	if c.multi {
		files, _ := bundle.Split(c.initial)
		fmt.Fprintf(&b, " It is %d files (%s); %s is the one the evaluator loads.", len(files), filePaths(files), c.entry)
	}
	// The held-out stage is not the researcher's to know of.
	if public := len(c.stages) - len(heldOut(c.stages)); public > 1 {
		fmt.Fprintf(&b, " Evaluation is a cascade of %d stages; a candidate that scores too low at one stage stops there.", public)
	}
	switch c.isolation {
	case isolationWasm:
		b.WriteString(" It runs in CPython 3.11 compiled to WebAssembly: standard library only, no subprocesses, no network, no files outside its folder.")
	default:
		b.WriteString(" It runs in a jail with no network; it may read and write only its own folder.")
	}
	return b.String()
}

// runsOn says where evaluations run, and why, for asi plan.
func (c *config) runsOn() string {
	if c.isolation == isolationWasm {
		return "the wasm sandbox's CPython (isolation = \"wasm\"): standard library only"
	}
	executor := "the campaign's executor"
	if c.executor != "" {
		executor = fmt.Sprintf("executor %q", c.executor)
	}
	run := c.python
	switch c.contract {
	case contractASIEvolve:
		run = "/bin/bash"
	case contractJSON:
		run = c.command[0]
	}
	return fmt.Sprintf("jobs of %s, in its jail, with %s (isolation = \"jail\": the evaluator may use the machine's packages)", executor, run)
}

// Configure implements sdk.Task. Relative paths start at the working
// directory, which asi sets to the campaign file's folder.
func (t *Task) Configure(ctx context.Context, req sdk.ConfigureRequest) error {
	c, err := configure(req.Settings)
	if err != nil {
		return err
	}
	t.mu.Lock()
	t.cfg, t.host = c, req.Host
	t.mu.Unlock()
	return nil
}

// Evaluate implements sdk.Task.
func (t *Task) Evaluate(ctx context.Context, cand sdk.Candidate, stage int, seed int64) (sdk.Result, error) {
	t.mu.RLock()
	c, host := t.cfg, t.host
	t.mu.RUnlock()
	if c == nil {
		return sdk.Result{}, errors.New("script task: not configured")
	}
	spec, err := c.job(cand.Code, stage)
	if err != nil {
		return sdk.Result{Valid: false, Feedback: err.Error()}, nil
	}
	var res sdk.Result
	if c.isolation == isolationWasm {
		res, err = c.runInSandbox(ctx, host.Sandbox, spec)
	} else {
		res, err = c.runAsJob(ctx, host.Executor, spec, cand, stage, seed)
	}
	if err != nil {
		return sdk.Result{}, err
	}
	res = c.scored(res)
	res.Feedback = clip(res.Feedback, feedbackLimit)
	for k, v := range res.Artifacts {
		if len(v) > artifactLimit {
			res.Artifacts[k] = []byte(clip(string(v), artifactLimit))
		}
	}
	return res, nil
}

// runAsJob runs the evaluation as a job of the campaign's executor. A job
// that failed, timed out or left no result is an invalid candidate with
// the log's end as feedback; an executor that cannot run jobs is an error.
func (c *config) runAsJob(ctx context.Context, exec sdk.Executor, spec jobSpec, cand sdk.Candidate, stage int, seed int64) (sdk.Result, error) {
	noExecutor := errors.New(`script task: the campaign has no executor; add executor "local" {} (or use isolation = "wasm" in the task block)`)
	if exec == nil {
		return sdk.Result{}, noExecutor
	}
	id, err := exec.Submit(ctx, sdk.Job{
		Key:       jobKey(cand, stage, seed),
		Command:   spec.command,
		Files:     spec.files,
		Env:       map[string]string{"PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1", "ASI_PROGRAM": spec.program},
		Resources: sdk.Resources{CPUs: c.cpus, Timeout: c.timeout},
		Executor:  c.executor,
		Outputs:   []string{spec.output},
	})
	if errors.Is(err, sdk.ErrNoExecutor) {
		return sdk.Result{}, noExecutor
	}
	if err != nil {
		return sdk.Result{}, fmt.Errorf("script task: submit: %w", err)
	}
	jr, err := exec.Wait(ctx, id)
	if err != nil {
		return sdk.Result{}, fmt.Errorf("script task: job %s: %w", id, err)
	}
	log, _, _ := exec.Logs(ctx, id, 0)
	stderr := sdk.Tail(withoutReport(log), logTail)
	raw, ok := jr.Outputs[spec.output]
	if jr.State != sdk.JobSucceeded && (jr.State != sdk.JobFailed || !ok || len(raw) == 0) {
		return sdk.Result{Valid: false, Feedback: fmt.Sprintf("the evaluation %s (%s)\n%s", jr.State, jr.Detail, stderr),
			Artifacts: map[string][]byte{"log": []byte(stderr)}}, nil
	}
	if !ok || len(raw) == 0 {
		return sdk.Result{Valid: false, Feedback: fmt.Sprintf("the evaluator wrote no %s\n%s", spec.output, stderr),
			Artifacts: map[string][]byte{"log": []byte(stderr)}}, nil
	}
	res, err := c.read(raw)
	if err != nil {
		return sdk.Result{Valid: false, Feedback: err.Error() + "\n" + stderr}, nil
	}
	if jr.State == sdk.JobFailed && c.contract != contractOpenEvolve && c.contract != contractShinka {
		res.Valid = false
		res.Feedback = strings.TrimSpace(fmt.Sprintf("the evaluator exited %d\n%s", jr.ExitCode, res.Feedback))
	}
	if stderr != "" {
		res.Artifacts["log"] = []byte(stderr)
		res.Feedback = strings.TrimSpace(res.Feedback + "\nstderr (end):\n" + stderr)
	}
	return res, nil
}

// withoutReport drops the runner's report line from a log: it is read
// from its file, and is no feedback.
func withoutReport(log []byte) []byte {
	var kept [][]byte
	for _, line := range bytes.Split(log, []byte("\n")) {
		if !bytes.HasPrefix(line, []byte(resultLine)) {
			kept = append(kept, line)
		}
	}
	return bytes.Join(kept, []byte("\n"))
}

// read parses the contract's result file.
func (c *config) read(raw []byte) (sdk.Result, error) {
	switch c.contract {
	case contractASIEvolve:
		return fromResultsJSON(raw)
	case contractJSON:
		return fromStdout(raw)
	}
	return fromRunner(raw)
}

// jobKey names an evaluation, so a resumed campaign re-attaches to a job
// still running instead of starting it again.
func jobKey(c sdk.Candidate, stage int, seed int64) string {
	sum := sha256.Sum256([]byte(c.Code))
	return fmt.Sprintf("script/%d/%d/%d/%s", c.NodeID, stage, seed, hex.EncodeToString(sum[:8]))
}
