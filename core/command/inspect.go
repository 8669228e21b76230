package command

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"

	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/core/views"
)

// inspectArgs are the arguments of the read-only verbs.
type inspectArgs struct {
	state  string
	target string // campaign file or directory
	json   bool
	node   int64
	format string
	output string
}

// openForInspect parses the common flags of status, show, best and export
// and opens the campaign's store.
func openForInspect(ctx context.Context, name, usageLine string, args []string, s Streams, extra func(*inspectArgs, []string) error,
	setFlags func(*inspectArgs, interface {
		StringVar(*string, string, string, string)
	})) (*store.Store, inspectArgs, int) {
	var a inspectArgs
	fs := newFlags(name, usageLine, s)
	fs.StringVar(&a.state, "state", "", "campaign directory (default: the campaign of FILE, or the only one under .asi/)")
	fs.BoolVar(&a.json, "json", false, "print JSON")
	if setFlags != nil {
		setFlags(&a, fs)
	}
	pos, code, ok := parseFlags(fs, args)
	if !ok {
		return nil, a, code
	}
	if extra != nil {
		if err := extra(&a, pos); err != nil {
			fmt.Fprintf(s.Stderr, "asi %s: %v\n", name, err)
			fs.Usage()
			return nil, a, exitUsage
		}
	} else if len(pos) > 1 {
		fs.Usage()
		return nil, a, exitUsage
	} else if len(pos) == 1 {
		a.target = pos[0]
	}
	dir, err := findCampaignDir(a.state, a.target, s.Stderr)
	if err != nil {
		fmt.Fprintf(s.Stderr, "Error: %v\n", err)
		return nil, a, exitError
	}
	st, err := store.Open(ctx, dir)
	if err != nil {
		fmt.Fprintf(s.Stderr, "Error: %v\n", err)
		return nil, a, exitError
	}
	return st, a, exitOK
}

func runStatus(ctx context.Context, args []string, s Streams) int {
	st, a, code := openForInspect(ctx, "status", "[flags] [FILE|DIR]", args, s, nil, nil)
	if st == nil {
		return code
	}
	defer st.Close()
	r, err := report(ctx, st, 5)
	if err != nil {
		fmt.Fprintf(s.Stderr, "Error: %v\n", err)
		return exitError
	}
	return render((views.View{W: s.Stdout, JSON: a.json}).Report(r), s)
}

func runShow(ctx context.Context, args []string, s Streams) int {
	parseNode := func(a *inspectArgs, pos []string) error {
		if len(pos) == 0 || len(pos) > 2 {
			return errors.New("want a node id")
		}
		id, err := strconv.ParseInt(pos[len(pos)-1], 10, 64)
		if err != nil {
			return fmt.Errorf("node id %q is not a number", pos[len(pos)-1])
		}
		a.node = id
		if len(pos) == 2 {
			a.target = pos[0]
		}
		return nil
	}
	st, a, code := openForInspect(ctx, "show", "[flags] [FILE|DIR] NODE", args, s, parseNode, nil)
	if st == nil {
		return code
	}
	defer st.Close()
	n, err := st.Node(ctx, a.node)
	if err != nil {
		fmt.Fprintf(s.Stderr, "Error: %v\n", err)
		return exitError
	}
	d := views.NodeDetail{Node: n}
	if d.Artifacts, err = st.ArtifactNames(ctx, n.ID); err == nil {
		d.Calls, err = st.Calls(ctx, n.ID)
	}
	if err != nil {
		fmt.Fprintf(s.Stderr, "Error: %v\n", err)
		return exitError
	}
	info, err := st.Info(ctx)
	if err != nil {
		fmt.Fprintf(s.Stderr, "Error: %v\n", err)
		return exitError
	}
	return render((views.View{W: s.Stdout, JSON: a.json}).Node(d, info.Primary), s)
}

func runBest(ctx context.Context, args []string, s Streams) int {
	st, a, code := openForInspect(ctx, "best", "[flags] [FILE|DIR]", args, s, nil, nil)
	if st == nil {
		return code
	}
	defer st.Close()
	info, err := st.Info(ctx)
	if err != nil {
		fmt.Fprintf(s.Stderr, "Error: %v\n", err)
		return exitError
	}
	n, err := st.Best(ctx, info.Maximize())
	if err != nil {
		fmt.Fprintf(s.Stderr, "Error: no valid program yet (%v)\n", err)
		return exitError
	}
	return render((views.View{W: s.Stdout, JSON: a.json}).Best(n), s)
}

func runExport(ctx context.Context, args []string, s Streams) int {
	setFlags := func(a *inspectArgs, fs interface {
		StringVar(*string, string, string, string)
	}) {
		fs.StringVar(&a.format, "format", "jsonl", "jsonl or csv")
		fs.StringVar(&a.output, "o", "", "write to this file instead of standard output")
	}
	st, a, code := openForInspect(ctx, "export", "[-format jsonl|csv] [-o FILE] [FILE|DIR]", args, s, nil, setFlags)
	if st == nil {
		return code
	}
	defer st.Close()
	if !slices.Contains(views.ExportFormats, a.format) {
		fmt.Fprintf(s.Stderr, "Error: unknown format %q (use jsonl or csv)\n", a.format)
		return exitUsage
	}
	nodes, err := st.Nodes(ctx)
	if err != nil {
		fmt.Fprintf(s.Stderr, "Error: %v\n", err)
		return exitError
	}
	w := s.Stdout
	if a.output != "" {
		f, err := os.Create(a.output)
		if err != nil {
			fmt.Fprintf(s.Stderr, "Error: %v\n", err)
			return exitError
		}
		defer f.Close()
		w = f
	}
	return render(views.Export(w, nodes, a.format), s)
}

func render(err error, s Streams) int {
	if err != nil {
		fmt.Fprintf(s.Stderr, "Error: %v\n", err)
		return exitError
	}
	return exitOK
}
