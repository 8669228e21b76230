package command

import (
	"context"

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
// rejected.
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
	return render(view.Plugins(inspectPlugins(ctx, f), f.Dirs), s)
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
