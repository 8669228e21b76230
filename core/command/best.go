package command

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/asi-evolve/asi/core/report"
	"github.com/asi-evolve/asi/core/views"
	"github.com/asi-evolve/asi/sdk/bundle"
)

// runBest prints the best valid program (only its code in text mode, so
// that `asi best > best.go` works), or with -o writes it: a program of one
// file to the file PATH, one of several files to the folder PATH. With
// objectives the program is the Pareto front's preferred node, and -front
// lists the front instead.
func runBest(ctx context.Context, args []string, s Streams) int {
	addFlags := func(a *inspectArgs, fs *flag.FlagSet) {
		fs.StringVar(&a.output, "o", "", "write the program to this file (a folder for a program of several files)")
		fs.BoolVar(&a.front, "front", false, "list the Pareto front of a campaign with objectives")
	}
	dir, a, code := inspectTarget("best", "[flags] [-front] [-o PATH] [FILE|DIR]", args, s, nil, addFlags)
	if dir == "" {
		return code
	}
	c, err := report.LoadDir(ctx, dir)
	if err != nil {
		return fail(err, s)
	}
	if a.front {
		return showFront(c, a, s)
	}
	n, ok := bestOrPreferred(c, s, a.json)
	if !ok {
		return fail(fmt.Errorf("no valid program yet (%w)", report.ErrNoValidNode), s)
	}
	views.View{W: s.Stderr}.FlaggedBest(c, n)
	views.View{W: s.Stderr}.FindingsBest(c, n)
	if a.output != "" {
		files, err := writeProgram(a.output, n.Code)
		if err != nil {
			return fail(fmt.Errorf("node %d: %w", n.ID, err), s)
		}
		return render((views.View{W: s.Stdout, JSON: a.json}).BestWritten(n.ID, a.output, files), s)
	}
	if !a.json && bundle.IsBundle(n.Code) {
		if secs, err := bundle.Sections(n.Code); err == nil {
			views.View{W: s.Stderr}.BestFilesHint(len(secs))
		}
	}
	return render((views.View{W: s.Stdout, JSON: a.json}).Best(n), s)
}

// writeProgram writes code to path: a program of one file as that file
// (replacing it, as a shell redirection would), one of several files as a
// new folder holding each at its relative path. The folder must not exist
// or be empty, so no file of another program is left beside the new ones.
// It returns the paths of the files written, nil for a program of one file.
func writeProgram(path, code string) ([]string, error) {
	if !bundle.IsBundle(code) {
		return nil, os.WriteFile(path, []byte(code), 0o644)
	}
	// Split checks every path (relative, clean, inside the folder) first,
	// so a bad one writes nothing.
	files, err := bundle.Split(code)
	if err != nil {
		return nil, err
	}
	switch entries, err := os.ReadDir(path); {
	case err == nil && len(entries) > 0:
		return nil, fmt.Errorf("%s exists and is not empty: the program's %d files go to a new or empty folder", path, len(files))
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s: want a new or empty folder: %w", path, err)
	}
	written := make([]string, 0, len(files))
	for _, f := range files {
		if err := bundle.CheckPath(f.Path); err != nil { // Split checks too; a write outside path must never happen
			return written, err
		}
		dst := filepath.Join(path, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return written, fmt.Errorf("write %s: %w", f.Path, err)
		}
		if err := os.WriteFile(dst, []byte(f.Content), 0o644); err != nil {
			return written, fmt.Errorf("write %s: %w", f.Path, err)
		}
		written = append(written, f.Path)
	}
	return written, nil
}
