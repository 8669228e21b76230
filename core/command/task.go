package command

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/asi-evolve/asi/core/backend"
	"github.com/asi-evolve/asi/core/views"
)

// runTask dispatches `asi task <subcommand>`.
func runTask(ctx context.Context, args []string, s Streams) int {
	stderr := views.View{W: s.Stderr}
	switch {
	case len(args) > 0 && args[0] == "check":
		return runTaskCheck(ctx, args[1:], s)
	case len(args) > 0 && args[0] == "new":
		return runTaskNew(ctx, args[1:], s)
	case len(args) > 0 && args[0] == "audit":
		return runTaskAudit(ctx, args[1:], s)
	case len(args) > 0 && (isHelp(args[0]) || args[0] == "help"):
		stderr.TaskUsage(true)
		return exitOK
	}
	stderr.TaskUsage(false)
	return exitUsage
}

// runTaskCheck evaluates a campaign's initial program once, as the first
// step of `asi apply` would, with no model: 0 and the score when a
// campaign could start from it, 1 and what to fix otherwise.
func runTaskCheck(ctx context.Context, args []string, s Streams) int {
	var jsonOut bool
	fs := newFlags("task check", "[flags] FILE", s)
	fs.BoolVar(&jsonOut, "json", false, "print the check as JSON")
	cache := fs.String("cache", sandboxCacheDir(), "cache of builds and compiled modules")
	pos, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		fs.Usage()
		return exitUsage
	}
	file := pos[0]
	cfg, ok := loadCampaign(file, s.Stderr)
	if !ok {
		return exitError
	}
	// Interrupted, the check still stops the plugins and removes its
	// scratch directory.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := backend.CheckInitial(ctx, cfg, backend.CheckOptions{SandboxCacheDir: *cache, SandboxProgress: views.ProgressLines(s.Stderr)})
	out := views.TaskCheck{File: file, OK: err == nil}
	if err != nil {
		out.Error = fmt.Sprintf("task %s: %v", cfg.Campaign.Task, err)
	} else {
		out.Task, out.Primary, out.Direction = res.Task, res.Primary, res.Direction
		out.Score, out.Metrics, out.Wall = res.Score, res.Metrics, res.Wall
		views.View{W: s.Stderr}.MissingObjectives(backend.MissingObjectives(cfg, res.Metrics))
	}
	if werr := (views.View{W: s.Stdout, JSON: jsonOut}).TaskCheck(out, s.Stderr); werr != nil {
		return fail(werr, s)
	}
	if err != nil {
		return exitError
	}
	return exitOK
}
