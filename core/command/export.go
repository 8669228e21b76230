package command

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"

	"github.com/asi-evolve/asi/core/report"
	"github.com/asi-evolve/asi/core/views"
)

// runExport writes every node of a campaign as jsonl or csv.
func runExport(ctx context.Context, args []string, s Streams) int {
	addFlags := func(a *inspectArgs, fs *flag.FlagSet) {
		fs.StringVar(&a.format, "format", "jsonl", "jsonl or csv")
		fs.StringVar(&a.output, "o", "", "write to this file instead of standard output")
		fs.BoolVar(&a.prompts, "prompts", false, "write the researcher's prompt variants (the prompts block) instead of the nodes")
	}
	dir, a, code := inspectTarget("export", "[-format jsonl|csv] [-o FILE] [-prompts] [FILE|DIR]", args, s, nil, addFlags)
	if dir == "" {
		return code
	}
	c, err := report.LoadDir(ctx, dir)
	if err != nil {
		return fail(err, s)
	}
	if !slices.Contains(views.ExportFormats, a.format) {
		fail(fmt.Errorf("unknown format %q (use jsonl or csv)", a.format), s)
		return exitUsage
	}
	w := s.Stdout
	if a.output != "" {
		f, err := os.Create(a.output)
		if err != nil {
			return fail(err, s)
		}
		defer f.Close()
		w = f
	}
	if a.prompts {
		return render(views.ExportPrompts(w, views.PromptsOf(c), a.format), s)
	}
	return render(views.Export(w, c.Nodes, a.format), s)
}
