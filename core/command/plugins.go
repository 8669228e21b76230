package command

import (
	"context"
	"fmt"
	"strings"

	"github.com/asi-evolve/asi/core/backend"
	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/core/views"
	"github.com/asi-evolve/asi/plugins"
)

// pluginsArgs are the flags and arguments of `asi plugins`.
type pluginsArgs struct {
	json bool
	file string // a campaign file whose plugin blocks are listed first; may be empty
}

// runPlugins lists the task and executor plugins found, and why any is
// rejected, then the built-in executors with the isolation they give here.
// With a campaign FILE it exits 1, after the list, when the file's task
// has no plugin that can run.
func runPlugins(ctx context.Context, args []string, s Streams) int {
	var a pluginsArgs
	fs := newFlags("plugins", "[flags] [FILE]", s)
	fs.BoolVar(&a.json, "json", false, "print the list as JSON")
	pos, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(pos) > 1 {
		fs.Usage()
		return exitUsage
	}
	if len(pos) == 1 {
		a.file = pos[0]
	}
	cfg := &campaign.Config{}
	if a.file != "" {
		p := campaign.NewParser()
		loaded, diags := p.LoadFile(a.file)
		if len(diags) > 0 {
			p.WriteDiagnostics(s.Stderr, diags)
		}
		if diags.HasErrors() {
			return exitError
		}
		cfg = loaded
	}
	f := backend.Finder(cfg)
	view := views.View{W: s.Stdout, JSON: a.json}
	rows := inspectPlugins(ctx, f)
	for _, b := range plugins.BuiltinExecutors() {
		rows = append(rows, views.BuiltinExecutorRow(b.Type, string(b.Isolation), b.Detail))
	}
	if code := render(view.Plugins(rows, f.Dirs), s); code != exitOK {
		return code
	}
	// A file whose task has no plugin to run cannot be applied: say so in
	// the exit code too, for scripts that check a file before a campaign.
	if a.file != "" {
		if err := taskPluginProblem(cfg.Campaign.Task, rows, f); err != nil {
			views.View{W: s.Stderr}.Problem("plugins", fmt.Errorf("%s: %w", a.file, err))
			return exitError
		}
	}
	return exitOK
}

// taskPluginProblem says why task has no plugin asi can run: no binary in
// a plugin block or the directories, or the one that wins is rejected
// (its row says why). It is nil when the task can run.
func taskPluginProblem(task string, rows []views.PluginRow, f plugins.Finder) error {
	if task == "" {
		return nil
	}
	for _, r := range rows { // the first row of a name is the binary used; later ones are shadowed
		if r.Kind != plugins.KindTask || r.Name != task {
			continue
		}
		if r.Rejected != "" {
			return fmt.Errorf("task %q cannot run: %s", task, r.Rejected)
		}
		return nil
	}
	return fmt.Errorf("task %q cannot run: no %s in a plugin block or in %s",
		task, plugins.BinaryName(plugins.KindTask, task), strings.Join(f.Dirs, ", "))
}

// inspectPlugins starts every plugin f finds, tasks first, to read its
// version and protocol or why it is rejected.
func inspectPlugins(ctx context.Context, f plugins.Finder) []views.PluginRow {
	var rows []views.PluginRow
	for _, kind := range []string{plugins.KindTask, plugins.KindExecutor} {
		kf := f
		if kind != plugins.KindTask {
			kf.Declared = nil // plugin blocks name task plugins
		}
		for _, l := range kf.All(kind) {
			info := plugins.Inspect(ctx, l, nil)
			rows = append(rows, views.PluginRow{
				Kind: kind, Name: l.Name, Version: info.Version, Protocol: info.Protocol, APIVersions: info.APIVersions,
				Path: l.Path, Source: l.Source, Rejected: info.Rejected,
			})
		}
	}
	return rows
}
