package backend

import (
	"fmt"
	"os"

	"github.com/hashicorp/go-hclog"

	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/plugins"
	"github.com/asi-evolve/asi/sandbox"
)

// hostSandbox returns the Sandbox service lent to the task: one that runs
// programs on rt, or, when the campaign's sandbox block names an executor,
// one that runs each program as a job of a second executor of that type,
// dedicated to sandbox runs. The jobs run this very binary on the nodes,
// with the host's sandbox cache (cacheDir): nodes must see both at the
// same paths. rt stays the host's either way.
func hostSandbox(cfg *campaign.Config, state, cacheDir string, rt *sandbox.Runtime, logger hclog.Logger) (*plugins.Sandbox, error) {
	if cfg.Sandbox.Executor == "" {
		return plugins.NewSandbox(rt, sandboxConfig(cfg)), nil
	}
	spec, ok := sandboxExecutorSpec(cfg)
	if !ok { // core/campaign refuses such a file; this guards other callers
		return nil, fmt.Errorf("sandbox: the campaign declares no %s executor to run on", cfg.Sandbox.Executor)
	}
	ex, err := plugins.StartSandboxExecutor(spec, plugins.ExecutorOptions{StateDir: state, Logger: logger})
	if err != nil {
		return nil, err
	}
	binary, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("sandbox: the asi binary for %s jobs: %w", spec.Type, err)
	}
	logger.Info("sandbox runs go to the executor", "type", spec.Type, "binary", binary, "cache", cacheDir)
	return plugins.NewJobSandbox(ex, sandboxConfig(cfg), plugins.JobSandboxOptions{Binary: binary, CacheDir: cacheDir}), nil
}

// sandboxExecutorSpec is the executor block the sandbox block names, as
// plugins takes it.
func sandboxExecutorSpec(cfg *campaign.Config) (plugins.ExecutorSpec, bool) {
	for _, spec := range executorSpecs(cfg) {
		if spec.Type == cfg.Sandbox.Executor {
			return spec, true
		}
	}
	return plugins.ExecutorSpec{}, false
}
