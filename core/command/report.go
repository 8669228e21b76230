package command

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	htmlreport "github.com/asi-evolve/asi/core/report"
	"github.com/asi-evolve/asi/core/store"
)

func runReport(ctx context.Context, args []string, s Streams) int {
	var plotsDir string
	setFlags := func(a *inspectArgs, fs interface {
		StringVar(*string, string, string, string)
	}) {
		fs.StringVar(&a.output, "o", "report.html", "write the HTML report to this file (- for standard output)")
		fs.StringVar(&plotsDir, "plots", "", "also write each plot as SVG and PNG into this directory")
	}
	st, a, code := openForInspect(ctx, "report", "[-o report.html] [-plots DIR] [FILE|DIR]", args, s, nil, setFlags)
	if st == nil {
		return code
	}
	defer st.Close()
	files, err := writeReport(ctx, st, a.output, plotsDir, s)
	if err != nil {
		fmt.Fprintf(s.Stderr, "Error: %v\n", err)
		return exitError
	}
	if a.json {
		return render(json.NewEncoder(s.Stdout).Encode(map[string]any{"files": files}), s)
	}
	for _, f := range files {
		if f != "-" {
			fmt.Fprintf(s.Stdout, "wrote %s\n", f)
		}
	}
	return exitOK
}

// writeReport writes the HTML report (and the plot files) and returns the
// paths written.
func writeReport(ctx context.Context, st *store.Store, output, plotsDir string, s Streams) ([]string, error) {
	c, err := htmlreport.Load(ctx, st)
	if err != nil {
		return nil, err
	}
	if len(c.Nodes) == 0 {
		return nil, htmlreport.ErrNoNodes
	}
	plots, err := c.Plots()
	if err != nil {
		return nil, err
	}
	var files []string
	if plotsDir != "" {
		if err := os.MkdirAll(plotsDir, 0o755); err != nil {
			return nil, fmt.Errorf("plots: %w", err)
		}
		for _, p := range plots {
			for ext, body := range map[string][]byte{".svg": p.SVG, ".png": p.PNG} {
				path := filepath.Join(plotsDir, p.Name+ext)
				if err := os.WriteFile(path, body, 0o644); err != nil {
					return nil, fmt.Errorf("plot %s: %w", p.Name, err)
				}
				files = append(files, path)
			}
		}
	}
	if output == "-" {
		return append(files, "-"), htmlreport.WriteHTML(s.Stdout, c, plots, htmlreport.Options{})
	}
	f, err := os.Create(output)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	if err := htmlreport.WriteHTML(f, c, plots, htmlreport.Options{}); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	return append([]string{output}, files...), nil
}
