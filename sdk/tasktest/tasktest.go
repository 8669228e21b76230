// Package tasktest runs a task implementation through the real gRPC layer
// of the plugin protocol inside a test, without building a binary: what
// the test calls is serialised, sent over a local connection, served by
// the SDK's server and translated back, as asi would call it.
//
// Host services are test doubles the test chooses: SandboxFunc adapts a
// function, and a nil service answers sdk.ErrNotConfigured (or, for the
// executor, sdk.ErrNoExecutor as a host without one does).
package tasktest

import (
	"context"
	"testing"

	"github.com/hashicorp/go-plugin"

	"github.com/asi-evolve/asi/sdk"
)

// Serve serves impl over gRPC in this process and returns a client for
// it. The connection closes when the test ends. Call Configure on the
// client (or use Start) before Evaluate, as asi does.
func Serve(t testing.TB, impl sdk.Task) *sdk.TaskClient {
	t.Helper()
	client, server := plugin.TestPluginGRPCConn(t, false, map[string]plugin.Plugin{
		sdk.TaskPluginName: &sdk.TaskPlugin{Impl: impl},
	})
	t.Cleanup(func() {
		_ = client.Close()
		server.Stop()
	})
	raw, err := client.Dispense(sdk.TaskPluginName)
	if err != nil {
		t.Fatalf("tasktest: dispense: %v", err)
	}
	return raw.(*sdk.TaskClient)
}

// Start serves impl like Serve and configures it with req, failing the
// test when Configure reports a problem. A nil req.Host.Executor answers
// sdk.ErrNoExecutor.
func Start(t testing.TB, impl sdk.Task, req sdk.ConfigureRequest) *sdk.TaskClient {
	t.Helper()
	c := Serve(t, impl)
	if req.Host.Executor == nil {
		req.Host.Executor = NoExecutor{}
	}
	if err := c.Configure(context.Background(), req); err != nil {
		t.Fatalf("tasktest: configure: %v", err)
	}
	return c
}

// SandboxFunc adapts a function to sdk.Sandbox.
type SandboxFunc func(ctx context.Context, r sdk.SandboxRun) (sdk.SandboxResult, error)

// Run implements sdk.Sandbox.
func (f SandboxFunc) Run(ctx context.Context, r sdk.SandboxRun) (sdk.SandboxResult, error) {
	return f(ctx, r)
}

// NoExecutor is the executor of a campaign without one: every call returns
// sdk.ErrNoExecutor.
type NoExecutor struct{}

func (NoExecutor) Capabilities(context.Context) (sdk.Capabilities, error) {
	return sdk.Capabilities{}, sdk.ErrNoExecutor
}
func (NoExecutor) Submit(context.Context, sdk.Job) (string, error) { return "", sdk.ErrNoExecutor }
func (NoExecutor) Wait(context.Context, string) (sdk.JobResult, error) {
	return sdk.JobResult{}, sdk.ErrNoExecutor
}
func (NoExecutor) Logs(context.Context, string, int64) ([]byte, bool, error) {
	return nil, false, sdk.ErrNoExecutor
}
func (NoExecutor) Cancel(context.Context, string) error { return sdk.ErrNoExecutor }

var (
	_ sdk.Sandbox  = SandboxFunc(nil)
	_ sdk.Executor = NoExecutor{}
)
