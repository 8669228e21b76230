package sdk

import (
	"context"
	"time"

	"github.com/asi-evolve/asi/sdk/protocol/taskv1"
)

// sandboxServer runs in the host process and serves the host's Sandbox to
// the plugin.
type sandboxServer struct {
	taskv1.UnimplementedSandboxServer
	impl Sandbox // nil: the host lends no sandbox
}

func (s *sandboxServer) Run(ctx context.Context, req *taskv1.SandboxRunRequest) (*taskv1.SandboxRunResponse, error) {
	if s.impl == nil {
		return nil, toStatus(ErrNotConfigured)
	}
	res, err := s.impl.Run(ctx, SandboxRun{
		Language: req.GetLanguage(), Files: req.GetFiles(), Stdin: req.GetStdin(), Args: req.GetArgs(),
		Limits: limitsFromWire(req.GetLimits()),
	})
	if err != nil {
		return nil, toStatus(err)
	}
	return &taskv1.SandboxRunResponse{
		ExitCode: res.ExitCode, Stdout: res.Stdout, Stderr: res.Stderr,
		StdoutTruncated: res.StdoutTruncated, StderrTruncated: res.StderrTruncated,
		WallUs: res.Wall.Microseconds(), Reason: res.Reason, Detail: res.Detail,
		Limits: limitsToWire(res.Limits),
	}, nil
}

// sandboxClient runs in the plugin process and calls the host's Sandbox.
type sandboxClient struct {
	client taskv1.SandboxClient // nil before Configure
}

func (c sandboxClient) Run(ctx context.Context, r SandboxRun) (SandboxResult, error) {
	if c.client == nil {
		return SandboxResult{}, ErrNotConfigured
	}
	resp, err := c.client.Run(ctx, &taskv1.SandboxRunRequest{
		Language: r.Language, Files: r.Files, Stdin: r.Stdin, Args: r.Args, Limits: limitsToWire(r.Limits),
	})
	if err != nil {
		return SandboxResult{}, fromStatus("sandbox run", err)
	}
	return SandboxResult{
		ExitCode: resp.GetExitCode(), Stdout: resp.GetStdout(), Stderr: resp.GetStderr(),
		StdoutTruncated: resp.GetStdoutTruncated(), StderrTruncated: resp.GetStderrTruncated(),
		Wall:   time.Duration(resp.GetWallUs()) * time.Microsecond,
		Reason: resp.GetReason(), Detail: resp.GetDetail(), Limits: limitsFromWire(resp.GetLimits()),
	}, nil
}
