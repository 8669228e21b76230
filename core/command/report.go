package command

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/asi-evolve/asi/core/report"
	"github.com/asi-evolve/asi/core/views"
)

// runReport writes a campaign's self-contained HTML report, and its plots
// as files when asked.
func runReport(ctx context.Context, args []string, s Streams) int {
	addFlags := func(a *inspectArgs, fs *flag.FlagSet) {
		fs.StringVar(&a.output, "o", "report.html", "write the HTML report to this file (- for standard output)")
		fs.StringVar(&a.plots, "plots", "", "also write each plot as SVG and PNG into this directory")
	}
	dir, a, code := inspectTarget("report", "[-o report.html] [-plots DIR] [FILE|DIR]", args, s, nil, addFlags)
	if dir == "" {
		return code
	}
	c, err := report.LoadDir(ctx, dir)
	if err != nil {
		return fail(err, s)
	}
	files, err := writeReport(c, a.output, a.plots, s)
	if err != nil {
		return fail(err, s)
	}
	return render((views.View{W: s.Stdout, JSON: a.json}).ReportFiles(files), s)
}

// writeReport writes the HTML report of c (to standard output when output
// is "-") and the plot files, and returns the paths written.
func writeReport(c *report.Campaign, output, plotsDir string, s Streams) ([]string, error) {
	if len(c.Nodes) == 0 {
		return nil, report.ErrNoNodes
	}
	plots, err := c.Plots()
	if err != nil {
		return nil, err
	}
	var files []string
	if plotsDir != "" {
		if files, err = writePlots(plots, plotsDir); err != nil {
			return nil, err
		}
	}
	if output == "-" {
		return append(files, "-"), report.WriteHTML(s.Stdout, c, plots, report.Options{})
	}
	f, err := os.Create(output)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	if err := report.WriteHTML(f, c, plots, report.Options{}); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	return append([]string{output}, files...), nil
}

// writePlots writes each plot as SVG and PNG into dir.
func writePlots(plots []report.Plot, dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("plots: %w", err)
	}
	var files []string
	for _, p := range plots {
		for _, ext := range []string{".svg", ".png"} {
			body := p.SVG
			if ext == ".png" {
				body = p.PNG
			}
			path := filepath.Join(dir, p.Name+ext)
			if err := os.WriteFile(path, body, 0o644); err != nil {
				return nil, fmt.Errorf("plot %s: %w", p.Name, err)
			}
			files = append(files, path)
		}
	}
	return files, nil
}
