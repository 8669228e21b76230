package plugintest

import (
	"context"
	"errors"
	"testing"

	"github.com/asi-evolve/asi/internal/testenv"
	"github.com/asi-evolve/asi/plugins"
	"github.com/asi-evolve/asi/sandbox"
	"github.com/asi-evolve/asi/sdk"
	"github.com/asi-evolve/asi/sdk/tasktest"
)

// ServeTask serves impl in this process over the real plugin protocol
// (sdk/tasktest) with the sandbox asi hands a task: a wazero Runtime made
// with opt, running every program within cfg's limits. It configures the
// task with settings and those limits, as asi does, failing the test when
// Configure reports a problem. The runtime closes when the test ends.
//
// A task test uses it to run candidates exactly as under asi without
// building the plugin binary.
func ServeTask(t testing.TB, impl sdk.Task, settings map[string]any, opt sandbox.Options, cfg sandbox.Config) *sdk.TaskClient {
	t.Helper()
	rt, err := sandbox.NewRuntime(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close(context.Background()) })
	sb := plugins.NewSandbox(rt, cfg)
	return tasktest.Start(t, impl, sdk.ConfigureRequest{
		Settings: settings, Limits: sb.Limits(), Host: sdk.Host{Sandbox: sb},
	})
}

// RequirePython skips t when the CPython runtime of the sandbox's Python
// guest is not built on this machine, or fails it where every suite is
// required (see internal/testenv).
func RequirePython(t testing.TB) {
	t.Helper()
	if _, err := sandbox.PythonHome(); errors.Is(err, sandbox.ErrPythonNotBuilt) {
		testenv.Skipf(t, "%v: run make python-wasm (scripts/ci/install-python-wasm.sh installs its tools)", err)
	}
}
