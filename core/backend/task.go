package backend

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/agext/levenshtein"
	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/hcl/v2"

	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/core/task"
	"github.com/asi-evolve/asi/plugins"
	"github.com/asi-evolve/asi/sandbox"
	"github.com/asi-evolve/asi/sdk"
)

// Finder finds plugins for a campaign: its plugin blocks first, then the
// standard directories.
func Finder(cfg *campaign.Config) plugins.Finder {
	declared := make(map[string]plugins.Declared, len(cfg.Plugins))
	for name, p := range cfg.Plugins {
		declared[name] = plugins.Declared{Path: cfg.Resolve(p.Path), SHA256: p.SHA256}
	}
	return plugins.NewFinder(declared)
}

// CheckTask finds the campaign's task plugin and has it check the task
// block, returning located diagnostics for what the user can fix: an
// unknown task, a missing or altered binary, a plugin of another protocol
// version, a setting the task refuses.
func CheckTask(cfg *campaign.Config) hcl.Diagnostics {
	_, diags := DescribeTask(context.Background(), cfg)
	return diags
}

// DescribeTask is CheckTask that also returns the task's description, as
// configured by the campaign's task block; `asi plan` shows where it runs
// candidates.
func DescribeTask(ctx context.Context, cfg *campaign.Config) (task.Description, hcl.Diagnostics) {
	found, err := Finder(cfg).Find(plugins.KindTask, cfg.Campaign.Task)
	if err != nil {
		return task.Description{}, findDiagnostics(cfg, err)
	}
	tk, err := plugins.StartTask(ctx, found, plugins.TaskOptions{
		Settings: cfg.Task.Values(), Limits: taskLimits(cfg), Dir: cfg.Dir,
	})
	if err != nil {
		return task.Description{}, taskDiagnostics(cfg, err)
	}
	defer tk.Close()
	d, err := tk.Describe(ctx)
	if err != nil {
		return d, taskDiagnostics(cfg, err)
	}
	if d.NeedsExecutor && len(cfg.Executors) == 0 {
		rng := cfg.Campaign.TaskRange
		return d, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Task needs an executor",
			Detail:  fmt.Sprintf("With these settings task %s runs candidates as executor jobs (%s), and the campaign declares no executor; add one, such as executor \"local\" {}.", cfg.Campaign.Task, d.RunsOn),
			Subject: &rng}}
	}
	return d, append(checkAudit(cfg, d), checkObjectives(cfg, d)...)
}

// startTask starts the campaign's task plugin for a run, lending it the
// sandbox (on rt, or on the executor the sandbox block names) and the
// campaign's executors (nil: none). Its stderr goes to logger.
func startTask(ctx context.Context, cfg *campaign.Config, opts Options, rt *sandbox.Runtime, execs *plugins.Executors, logger hclog.Logger) (*plugins.Task, error) {
	found, err := Finder(cfg).Find(plugins.KindTask, cfg.Campaign.Task)
	if err != nil {
		return nil, err
	}
	sb, err := hostSandbox(cfg, opts.StateDir, opts.SandboxCacheDir, rt, logger)
	if err != nil {
		return nil, err
	}
	host := sdk.Host{Sandbox: sb}
	if execs != nil { // a nil *Executors in the interface would not read as "none"
		host.Executor = execs
	}
	return plugins.StartTask(ctx, found, plugins.TaskOptions{
		Settings: cfg.Task.Values(),
		Limits:   taskLimits(cfg),
		Host:     host,
		Logger:   logger,
		Dir:      cfg.Dir,

		EvaluationTimeout: cfg.Campaign.EvaluationTimeout,
	})
}

// pluginLogFile is where a campaign directory keeps what its plugins wrote
// to stderr, and the host's notes about them (crashes, restarts).
const pluginLogFile = "plugins.log"

// pluginLogger appends to the campaign directory's plugin log.
func pluginLogger(state string) (hclog.Logger, func(), error) {
	f, err := os.OpenFile(filepath.Join(state, pluginLogFile), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, nil, fmt.Errorf("plugin log: %w", err)
	}
	logger := hclog.New(&hclog.LoggerOptions{Name: "asi", Output: f, Level: hclog.Info})
	return logger, func() { _ = f.Close() }, nil
}

func taskLimits(cfg *campaign.Config) sdk.Limits {
	return sdk.Limits{Memory: cfg.Sandbox.Memory, Timeout: cfg.Sandbox.Timeout, OutputLimit: int64(cfg.Sandbox.OutputLimit)}
}

func sandboxConfig(cfg *campaign.Config) sandbox.Config {
	return sandbox.NewConfig().
		WithMemoryLimit(cfg.Sandbox.Memory).
		WithTimeout(cfg.Sandbox.Timeout).
		WithOutputLimit(cfg.Sandbox.OutputLimit).
		WithRandSeed(cfg.Sandbox.RandSeed)
}

// findDiagnostics explains why the task plugin was not found.
func findDiagnostics(cfg *campaign.Config, err error) hcl.Diagnostics {
	name := cfg.Campaign.Task
	if p, ok := cfg.Plugins[name]; ok {
		rng := p.PathRange
		summary := "Task plugin not found"
		if errors.Is(err, plugins.ErrChecksum) {
			rng, summary = p.SHA256Range, "Task plugin refused"
		}
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: summary, Detail: capitalize(err.Error()) + ".", Subject: &rng}}
	}
	f := Finder(cfg)
	var names []string
	for _, l := range f.All(plugins.KindTask) {
		if l.Shadowed == "" {
			names = append(names, l.Name)
		}
	}
	slices.Sort(names)
	detail := fmt.Sprintf("There is no task named %q.", name)
	if len(names) > 0 {
		detail += fmt.Sprintf(" Known tasks: %s.", strings.Join(names, ", "))
	}
	for _, n := range names {
		if levenshtein.Distance(n, name, nil) <= 3 {
			detail += fmt.Sprintf(" Did you mean %q?", n)
			break
		}
	}
	detail += fmt.Sprintf(" A task is a plugin binary named %s, found through a plugin block or in a plugin directory; searched, in order: %s. Run `asi plugins` to list what they hold; `make build` puts the built-in ones beside bin/asi.",
		plugins.BinaryName(plugins.KindTask, name), strings.Join(f.Dirs, ", "))
	rng := cfg.Campaign.TaskRange
	return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Unknown task", Detail: detail, Subject: &rng}}
}

// taskDiagnostics turns what StartTask refused into diagnostics: each
// problem with a setting at its attribute, anything else at the task name.
func taskDiagnostics(cfg *campaign.Config, err error) hcl.Diagnostics {
	var errs sdk.ConfigErrors
	if errors.As(err, &errs) {
		var diags hcl.Diagnostics
		for _, e := range errs {
			rng := cfg.TaskRange(e.Path)
			detail := e.Detail
			if len(e.Path) > 0 {
				detail = fmt.Sprintf("task.%s: %s", plugins.PathString(e.Path), detail)
			}
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: e.Summary, Detail: detail, Subject: &rng})
		}
		return diags
	}
	summary := "Task plugin failed to start"
	if errors.Is(err, plugins.ErrProtocol) {
		summary = "Task plugin version mismatch"
	}
	rng := cfg.Campaign.TaskRange
	return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: summary, Detail: capitalize(err.Error()) + ".", Subject: &rng}}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
