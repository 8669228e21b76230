package plugins

import (
	"context"
	"errors"
	"fmt"

	"github.com/asi-evolve/asi/sandbox"
	"github.com/asi-evolve/asi/sdk"
)

// Sandbox is the host's Sandbox service: it prepares a task's program with
// the sandbox toolchain of its language and runs it under the campaign's
// limits. A request may narrow the limits, never widen them. A Sandbox
// runs programs on this machine (NewSandbox) or as executor jobs on
// another (NewJobSandbox); both return the same results.
type Sandbox struct {
	rt  *sandbox.Runtime
	cfg sandbox.Config
	job *sandboxJob // nil: runs on rt
}

// NewSandbox returns the service running programs on rt within cfg's
// limits. The caller owns rt.
func NewSandbox(rt *sandbox.Runtime, cfg sandbox.Config) *Sandbox {
	return &Sandbox{rt: rt, cfg: cfg}
}

// Limits are the campaign's limits, as plugins see them.
func (s *Sandbox) Limits() sdk.Limits {
	return limitsOf(s.cfg)
}

func limitsOf(cfg sandbox.Config) sdk.Limits {
	return sdk.Limits{Memory: cfg.MemoryLimit(), Timeout: cfg.Timeout(), OutputLimit: int64(cfg.OutputLimit())}
}

// config narrows the campaign's limits to those requested.
func (s *Sandbox) config(req sdk.Limits) sandbox.Config {
	cfg := s.cfg
	if req.Memory > 0 && req.Memory < cfg.MemoryLimit() {
		cfg = cfg.WithMemoryLimit(req.Memory)
	}
	if req.Timeout > 0 && req.Timeout < cfg.Timeout() {
		cfg = cfg.WithTimeout(req.Timeout)
	}
	if req.OutputLimit > 0 && req.OutputLimit < int64(cfg.OutputLimit()) {
		cfg = cfg.WithOutputLimit(int(req.OutputLimit))
	}
	return cfg
}

// Run implements sdk.Sandbox.
func (s *Sandbox) Run(ctx context.Context, r sdk.SandboxRun) (sdk.SandboxResult, error) {
	cfg := s.config(r.Limits)
	if len(r.Stdin) > 0 {
		cfg = cfg.WithStdin(r.Stdin)
	}
	if len(r.Args) > 0 {
		cfg = cfg.WithArgs(r.Args...)
	}
	if s.job != nil {
		return s.job.run(ctx, r.Language, r.Files, r.Stdin, cfg)
	}
	return runProgram(ctx, s.rt, r.Language, r.Files, cfg)
}

// runProgram prepares files and runs them on rt under cfg: what a local
// Sandbox does, and what a job sandbox's node does.
func runProgram(ctx context.Context, rt *sandbox.Runtime, language string, files map[string][]byte, cfg sandbox.Config) (sdk.SandboxResult, error) {
	limits := limitsOf(cfg)
	p, err := rt.Prepare(ctx, language, files)
	var compileErr *sandbox.CompileError
	if errors.As(err, &compileErr) {
		return sdk.SandboxResult{Reason: sdk.ReasonCompile, Detail: compileErr.Output, Limits: limits}, nil
	}
	if err != nil {
		return sdk.SandboxResult{}, fmt.Errorf("sandbox: prepare %s program: %w", language, err)
	}
	defer p.Close()
	res, err := rt.RunProgram(ctx, p, cfg)
	if err != nil {
		return sdk.SandboxResult{}, fmt.Errorf("sandbox: run %s program: %w", language, err)
	}
	return sdk.SandboxResult{
		ExitCode: res.ExitCode, Stdout: res.Stdout, Stderr: res.Stderr,
		StdoutTruncated: res.StdoutTruncated, StderrTruncated: res.StderrTruncated,
		Wall: res.Wall, Reason: string(res.Reason), Detail: res.Detail, Limits: limits,
	}, nil
}

var _ sdk.Sandbox = (*Sandbox)(nil)
