package command

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/plugins"
)

// pluginRow is one line of `asi plugins`.
type pluginRow struct {
	Kind        string   `json:"kind"`
	Name        string   `json:"name"`
	Version     string   `json:"version,omitempty"`
	Protocol    int      `json:"protocol,omitempty"`
	APIVersions []string `json:"api_versions,omitempty"`
	Path        string   `json:"path"`
	Source      string   `json:"source"`
	Rejected    string   `json:"rejected,omitempty"`
}

func runPlugins(ctx context.Context, args []string, s Streams) int {
	var jsonOut bool
	fs := newFlags("plugins", "[flags] [FILE]", s)
	fs.BoolVar(&jsonOut, "json", false, "print the list as JSON")
	pos, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(pos) > 1 {
		fs.Usage()
		return exitUsage
	}
	// With a campaign file, its plugin blocks are listed first.
	cfg := &campaign.Config{}
	if len(pos) == 1 {
		p := campaign.NewParser()
		loaded, diags := p.LoadFile(pos[0])
		if len(diags) > 0 {
			p.WriteDiagnostics(s.Stderr, diags)
		}
		if diags.HasErrors() {
			return exitError
		}
		cfg = loaded
	}
	f := finder(cfg)
	var rows []pluginRow
	for _, kind := range []string{plugins.KindTask, plugins.KindExecutor} {
		kf := f
		if kind != plugins.KindTask {
			kf.Declared = nil // plugin blocks name task plugins
		}
		for _, l := range kf.All(kind) {
			info := plugins.Inspect(ctx, l, nil)
			rows = append(rows, pluginRow{
				Kind: kind, Name: l.Name, Version: info.Version, Protocol: info.Protocol, APIVersions: info.APIVersions,
				Path: l.Path, Source: l.Source, Rejected: info.Rejected,
			})
		}
	}
	if jsonOut {
		enc := json.NewEncoder(s.Stdout)
		enc.SetIndent("", "  ")
		if rows == nil {
			rows = []pluginRow{}
		}
		return render(enc.Encode(rows), s)
	}
	if len(rows) == 0 {
		fmt.Fprintf(s.Stdout, "No plugins found. Searched: %s\n", strings.Join(f.Dirs, ", "))
		return exitOK
	}
	tw := tabwriter.NewWriter(s.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tNAME\tVERSION\tPROTOCOL\tAPI\tPATH\tSTATUS")
	for _, r := range rows {
		status := "ok"
		if r.Rejected != "" {
			status = "rejected: " + r.Rejected
		}
		protocol := "-"
		if r.Protocol > 0 {
			protocol = strconv.Itoa(r.Protocol)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Kind, r.Name, orDash(r.Version), protocol,
			orDash(strings.Join(r.APIVersions, ",")), r.Path, status)
	}
	return render(tw.Flush(), s)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
