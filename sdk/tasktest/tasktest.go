// Package tasktest runs a task implementation through the real gRPC layer
// of the plugin protocol inside a test, without building a binary: what
// the test calls is serialised, sent over a local connection, served by
// the SDK's server and translated back, as asi would call it. Start and
// Configure check the settings against the task's config schema first, as
// asi checks a campaign's task block: a test sees the defaults, and the
// errors a campaign file would get.
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
// it. The connection closes when the test ends. Configure it before
// Evaluate, as asi does: with Configure or Start, which apply the config
// schema as asi does, or with the client's own Configure, which passes the
// settings exactly as given.
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

// Start serves impl like Serve and configures it with req as Configure
// does, failing the test when that reports a problem.
func Start(t testing.TB, impl sdk.Task, req sdk.ConfigureRequest) *sdk.TaskClient {
	t.Helper()
	c := Serve(t, impl)
	if err := Configure(context.Background(), c, req); err != nil {
		t.Fatalf("tasktest: configure: %v", err)
	}
	return c
}

// Configure configures c as asi does: it reads the config schema from
// Describe and checks req.Settings against it before the task sees them.
// A value is converted to its setting's type as HCL converts what a
// campaign file holds (a Go int or float is a number, a slice a list), a
// setting left out or nil gets the schema's default, and a problem (an
// unknown name, a value of the wrong type, a required setting left out)
// is returned as sdk.ConfigErrors without calling the task, as asi
// reports it. A nil req.Host.Executor answers sdk.ErrNoExecutor.
func Configure(ctx context.Context, c *sdk.TaskClient, req sdk.ConfigureRequest) error {
	desc, err := c.Describe(ctx)
	if err != nil {
		return err
	}
	settings, errs := applySchema(desc.Config, req.Settings)
	if len(errs) > 0 {
		return errs
	}
	req.Settings = settings
	if req.Host.Executor == nil {
		req.Host.Executor = NoExecutor{}
	}
	return c.Configure(ctx, req)
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
