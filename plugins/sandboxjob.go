package plugins

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/asi-evolve/asi/plugins/executor"
	"github.com/asi-evolve/asi/sandbox"
	"github.com/asi-evolve/asi/sdk"
)

// A job sandbox runs each program as an executor job: the job runs this
// same asi binary (`asi sandbox job DIR`), which reads SandboxRequestFile
// from its directory, prepares and runs the program in a sandbox.Runtime
// exactly as a local Sandbox would, and writes SandboxResultFile.
const (
	SandboxRequestFile = "asi-sandbox-request.json"
	SandboxResultFile  = "asi-sandbox-result.json"
	// sandboxJobVersion changes with the files' format; a node refuses
	// another (host and node run one binary, so it only guards against
	// a binary replaced while a job was queued).
	sandboxJobVersion = 1
	// defaultJobPrepare is the time a job gets beyond its run's timeout:
	// a first Go build, or compiling the Python or JavaScript interpreter
	// into a cold cache, takes minutes on a node.
	defaultJobPrepare = 10 * time.Minute
	// jobLogTail is how much of a failed job's log an error quotes.
	jobLogTail = 2 << 10
)

// JobSandboxOptions say how a job sandbox's jobs reach the asi binary and
// the sandbox cache on their node.
type JobSandboxOptions struct {
	// Binary is the asi executable the jobs run; nodes must see it at this
	// path.
	Binary string
	// CacheDir is the sandbox cache (builds, compiled modules) the node
	// uses: the host's own, which nodes see at the same path. "" keeps no
	// cache: every run builds its program afresh.
	CacheDir string
	// Env is the environment of the job's asi, beyond the executor's
	// minimal one; nil takes ToolchainEnv().
	Env map[string]string
	// Prepare is the time a job may take beyond its run's timeout, to
	// start asi and build the program; 0 means 10 minutes.
	Prepare time.Duration
}

// sandboxJob is the remote mode of a Sandbox.
type sandboxJob struct {
	ex   sdk.Executor
	opts JobSandboxOptions
}

// NewJobSandbox returns the service running each program as a job on ex,
// within cfg's limits, with results identical to a local Sandbox's but
// Wall. cfg's read-only mounts travel by path (nodes must see them at the
// same path); its stdin does not (a run's own Stdin does). Cancelling a
// run's context cancels its job.
func NewJobSandbox(ex sdk.Executor, cfg sandbox.Config, opts JobSandboxOptions) *Sandbox {
	if opts.Env == nil {
		opts.Env = ToolchainEnv()
	}
	if opts.Prepare <= 0 {
		opts.Prepare = defaultJobPrepare
	}
	return &Sandbox{cfg: cfg, job: &sandboxJob{ex: ex, opts: opts}}
}

// ToolchainEnv is what a node's asi needs to build and find what this
// process would: this process's PATH (the go and clang it runs), asi's
// cache directory (ASI_CACHE_DIR: the Python runtime lives there), and the
// variables that place Go's caches, where set. Nodes are expected to share
// these paths, as they share the binary.
func ToolchainEnv() map[string]string {
	env := map[string]string{"ASI_CACHE_DIR": sandbox.CacheDir()}
	for _, k := range []string{"PATH", "HOME", "XDG_CACHE_HOME", "GOCACHE", "GOMODCACHE", "GOPATH", "GOROOT", "GOENV"} {
		if v := os.Getenv(k); v != "" {
			env[k] = v
		}
	}
	return env
}

// StartSandboxExecutor builds the executor a campaign's job sandbox runs
// on: a second executor of spec's type with spec's settings, its own
// directory (a "sandbox" subdirectory of spec's shared directory, so its
// job record is its own), and no jail: the jobs run asi's own binary, and
// wazero isolates the program. Only slurm can run sandbox jobs.
func StartSandboxExecutor(spec ExecutorSpec, opts ExecutorOptions) (sdk.Executor, error) {
	if spec.Type != executorSlurm {
		return nil, fmt.Errorf("sandbox executor %q: only slurm runs sandbox jobs", spec.Type)
	}
	sc := slurmConfig(spec, opts.StateDir)
	sc.SharedDir = filepath.Join(sc.SharedDir, "sandbox")
	// Not a task's job: the candidate stays inside wazero on the node.
	sc.Require, sc.NoJail = "", true
	sl, err := executor.NewSlurm(sc)
	if err != nil {
		return nil, fmt.Errorf("sandbox executor: %w", err)
	}
	return sl, nil
}

// run submits one program as a job and returns its result. cfg holds the
// run's limits, narrowed, and its args; stdin is the run's.
func (j *sandboxJob) run(ctx context.Context, language string, files map[string][]byte, stdin []byte, cfg sandbox.Config) (sdk.SandboxResult, error) {
	req, err := json.Marshal(NewSandboxRequest(language, files, stdin, cfg, j.opts.CacheDir))
	if err != nil {
		return sdk.SandboxResult{}, fmt.Errorf("sandbox job: request: %w", err)
	}
	id, err := j.ex.Submit(ctx, sdk.Job{
		Command:   []string{j.opts.Binary, "sandbox", "job", "."},
		Files:     map[string][]byte{SandboxRequestFile: req},
		Env:       j.opts.Env,
		Resources: sdk.Resources{Timeout: cfg.Timeout() + j.opts.Prepare},
		Outputs:   []string{SandboxResultFile},
	})
	if err != nil {
		return sdk.SandboxResult{}, fmt.Errorf("sandbox job: submit: %w", err)
	}
	res, err := j.ex.Wait(ctx, id)
	if err != nil {
		// The caller gave up, or the job cannot be followed: either way
		// nobody will read its result, so it must not run on.
		cancelCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		_ = j.ex.Cancel(cancelCtx, id)
		return sdk.SandboxResult{}, fmt.Errorf("sandbox job %s: %w", id, err)
	}
	data, ok := res.Outputs[SandboxResultFile]
	if !ok {
		detail := string(res.State)
		if res.Detail != "" {
			detail += ": " + res.Detail
		}
		return sdk.SandboxResult{}, fmt.Errorf("sandbox job %s %s with no result; its log ends:\n%s", id, detail, j.logTail(ctx, id))
	}
	out, err := decodeSandboxResult(data)
	if err != nil {
		return sdk.SandboxResult{}, fmt.Errorf("sandbox job %s: %w", id, err)
	}
	return out, nil
}

// logTail is the end of a job's log, or why it cannot be read.
func (j *sandboxJob) logTail(ctx context.Context, id string) string {
	data, _, err := j.ex.Logs(ctx, id, 0)
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	if len(data) > jobLogTail {
		data = data[len(data)-jobLogTail:]
	}
	if len(strings.TrimSpace(string(data))) == 0 {
		return "(empty)"
	}
	return string(data)
}

// SandboxRequest is one run as a job sandbox sends it to its node: the
// program, its input, and its Config's effective values (the host has
// already narrowed the limits).
type SandboxRequest struct {
	Version  int               `json:"version"`
	Language string            `json:"language"`
	Files    map[string][]byte `json:"files"`
	Stdin    []byte            `json:"stdin,omitempty"`
	Args     []string          `json:"args,omitempty"`

	Memory      uint64        `json:"memory"`
	Timeout     time.Duration `json:"timeout_ns"`
	OutputLimit int           `json:"output_limit"`

	Env                map[string]string `json:"env,omitempty"`
	Mounts             []SandboxMount    `json:"mounts,omitempty"`
	DeterministicClock bool              `json:"deterministic_clock,omitempty"`
	RandSeed           uint64            `json:"rand_seed,omitempty"`

	// CacheDir is the sandbox cache the node's runtime uses.
	CacheDir string `json:"cache_dir,omitempty"`
}

// SandboxMount is a read-only mount of a request: a host directory the
// node sees at the same path.
type SandboxMount struct {
	HostDir  string `json:"host_dir"`
	GuestDir string `json:"guest_dir"`
}

// NewSandboxRequest is the request for running files in language with
// stdin under cfg (its limits already narrowed) on a node whose runtime
// uses cacheDir.
func NewSandboxRequest(language string, files map[string][]byte, stdin []byte, cfg sandbox.Config, cacheDir string) SandboxRequest {
	req := SandboxRequest{
		Version: sandboxJobVersion, Language: language, Files: files, Stdin: stdin, Args: cfg.Args(),
		Memory: cfg.MemoryLimit(), Timeout: cfg.Timeout(), OutputLimit: cfg.OutputLimit(),
		Env: cfg.Env(), DeterministicClock: cfg.DeterministicClock(), RandSeed: cfg.RandSeed(), CacheDir: cacheDir,
	}
	for _, m := range cfg.Mounts() {
		req.Mounts = append(req.Mounts, SandboxMount{HostDir: m.HostDir, GuestDir: m.GuestDir})
	}
	return req
}

// config is the request's sandbox.Config.
func (q SandboxRequest) config() sandbox.Config {
	cfg := sandbox.NewConfig().WithMemoryLimit(q.Memory).WithTimeout(q.Timeout).WithOutputLimit(q.OutputLimit)
	if len(q.Stdin) > 0 {
		cfg = cfg.WithStdin(q.Stdin)
	}
	if len(q.Args) > 0 {
		cfg = cfg.WithArgs(q.Args...)
	}
	for k, v := range q.Env {
		cfg = cfg.WithEnv(k, v)
	}
	for _, m := range q.Mounts {
		cfg = cfg.WithReadOnlyMount(m.HostDir, m.GuestDir)
	}
	if q.DeterministicClock {
		cfg = cfg.WithDeterministicClock()
	}
	if q.RandSeed != 0 {
		cfg = cfg.WithRandSeed(q.RandSeed)
	}
	return cfg
}

// ReadSandboxRequest reads the request file of the job directory dir.
func ReadSandboxRequest(dir string) (SandboxRequest, error) {
	var q SandboxRequest
	data, err := os.ReadFile(filepath.Join(dir, SandboxRequestFile))
	if err != nil {
		return q, fmt.Errorf("sandbox request: %w", err)
	}
	if err := json.Unmarshal(data, &q); err != nil {
		return q, fmt.Errorf("sandbox request %s: %w", SandboxRequestFile, err)
	}
	if q.Version != sandboxJobVersion {
		return q, fmt.Errorf("sandbox request %s: format version %d, this asi reads %d", SandboxRequestFile, q.Version, sandboxJobVersion)
	}
	return q, nil
}

// Run prepares and runs the request's program on rt, as a local Sandbox
// runs a program: a program that does not compile is a result
// (sdk.ReasonCompile), an error is the node's.
func (q SandboxRequest) Run(ctx context.Context, rt *sandbox.Runtime) (sdk.SandboxResult, error) {
	return runProgram(ctx, rt, q.Language, q.Files, q.config())
}

// sandboxResultFile is a job's result file: an sdk.SandboxResult, or the
// node's error.
type sandboxResultFile struct {
	Version         int    `json:"version"`
	ExitCode        uint32 `json:"exit_code"`
	Stdout          []byte `json:"stdout"`
	Stderr          []byte `json:"stderr"`
	StdoutTruncated bool   `json:"stdout_truncated,omitempty"`
	StderrTruncated bool   `json:"stderr_truncated,omitempty"`
	// Wall is the run's own time on the node.
	Wall   time.Duration `json:"wall_ns"`
	Reason string        `json:"reason,omitempty"`
	Detail string        `json:"detail,omitempty"`

	Memory      uint64        `json:"memory"`
	Timeout     time.Duration `json:"timeout_ns"`
	OutputLimit int64         `json:"output_limit"`

	// Error is why the node could not run the program (no toolchain,
	// an unreadable cache); the rest is then empty.
	Error string `json:"error,omitempty"`
}

// WriteSandboxResult writes the result file into the job directory dir:
// res, or runErr when it is not nil. The file appears whole or not at all.
func WriteSandboxResult(dir string, res sdk.SandboxResult, runErr error) error {
	out := sandboxResultFile{
		Version: sandboxJobVersion, ExitCode: res.ExitCode, Stdout: res.Stdout, Stderr: res.Stderr,
		StdoutTruncated: res.StdoutTruncated, StderrTruncated: res.StderrTruncated,
		Wall: res.Wall, Reason: res.Reason, Detail: res.Detail,
		Memory: res.Limits.Memory, Timeout: res.Limits.Timeout, OutputLimit: res.Limits.OutputLimit,
	}
	if runErr != nil {
		out = sandboxResultFile{Version: sandboxJobVersion, Error: runErr.Error()}
	}
	data, err := json.Marshal(out)
	if err != nil {
		return fmt.Errorf("sandbox result: %w", err)
	}
	path := filepath.Join(dir, SandboxResultFile)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("sandbox result: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("sandbox result: %w", err)
	}
	return nil
}

// ReadSandboxResult reads the result file of the job directory dir: the
// run's result, or the node's error.
func ReadSandboxResult(dir string) (sdk.SandboxResult, error) {
	data, err := os.ReadFile(filepath.Join(dir, SandboxResultFile))
	if err != nil {
		return sdk.SandboxResult{}, fmt.Errorf("sandbox result: %w", err)
	}
	return decodeSandboxResult(data)
}

func decodeSandboxResult(data []byte) (sdk.SandboxResult, error) {
	var f sandboxResultFile
	if err := json.Unmarshal(data, &f); err != nil {
		return sdk.SandboxResult{}, fmt.Errorf("sandbox result %s: %w", SandboxResultFile, err)
	}
	if f.Version != sandboxJobVersion {
		return sdk.SandboxResult{}, fmt.Errorf("sandbox result %s: format version %d, this asi reads %d", SandboxResultFile, f.Version, sandboxJobVersion)
	}
	if f.Error != "" {
		return sdk.SandboxResult{}, errors.New(f.Error)
	}
	return sdk.SandboxResult{
		ExitCode: f.ExitCode, Stdout: f.Stdout, Stderr: f.Stderr,
		StdoutTruncated: f.StdoutTruncated, StderrTruncated: f.StderrTruncated,
		Wall: f.Wall, Reason: f.Reason, Detail: f.Detail,
		Limits: sdk.Limits{Memory: f.Memory, Timeout: f.Timeout, OutputLimit: f.OutputLimit},
	}, nil
}
