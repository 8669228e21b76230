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
// limits. A request may narrow the limits, never widen them.
type Sandbox struct {
	rt  *sandbox.Runtime
	cfg sandbox.Config
}

// NewSandbox returns the service running programs on rt within cfg's
// limits. The caller owns rt.
func NewSandbox(rt *sandbox.Runtime, cfg sandbox.Config) *Sandbox {
	return &Sandbox{rt: rt, cfg: cfg}
}

// Limits are the campaign's limits, as plugins see them.
func (s *Sandbox) Limits() sdk.Limits {
	return sdk.Limits{Memory: s.cfg.MemoryLimit(), Timeout: s.cfg.Timeout(), OutputLimit: int64(s.cfg.OutputLimit())}
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
	limits := sdk.Limits{Memory: cfg.MemoryLimit(), Timeout: cfg.Timeout(), OutputLimit: int64(cfg.OutputLimit())}
	p, err := s.rt.Prepare(ctx, r.Language, r.Files)
	var compileErr *sandbox.CompileError
	if errors.As(err, &compileErr) {
		return sdk.SandboxResult{Reason: sdk.ReasonCompile, Detail: compileErr.Output, Limits: limits}, nil
	}
	if err != nil {
		return sdk.SandboxResult{}, fmt.Errorf("sandbox: prepare %s program: %w", r.Language, err)
	}
	defer p.Close()
	res, err := s.rt.RunProgram(ctx, p, cfg)
	if err != nil {
		return sdk.SandboxResult{}, fmt.Errorf("sandbox: run %s program: %w", r.Language, err)
	}
	return sdk.SandboxResult{
		ExitCode: res.ExitCode, Stdout: res.Stdout, Stderr: res.Stderr,
		StdoutTruncated: res.StdoutTruncated, StderrTruncated: res.StderrTruncated,
		Wall: res.Wall, Reason: string(res.Reason), Detail: res.Detail, Limits: limits,
	}, nil
}

var _ sdk.Sandbox = (*Sandbox)(nil)
