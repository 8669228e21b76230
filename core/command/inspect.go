package command

import (
	"flag"

	"github.com/asi-evolve/asi/core/views"
)

// inspectArgs are the arguments of the read-only verbs (status, show,
// best, export, report).
type inspectArgs struct {
	state  string
	target string // campaign file or directory
	json   bool
	node   int64
	format string
	output string
	plots  string
	front  bool // best: list the Pareto front

	prompts bool // export: the prompt variants instead of the nodes
}

// inspectTarget parses the flags the read-only verbs share (and those
// addFlags adds) and finds the directory of the campaign to read. The
// positional arguments go to positional; without it, one optional
// FILE|DIR is accepted. An empty dir means the verb stops with code.
func inspectTarget(name, usageLine string, args []string, s Streams,
	positional func(*inspectArgs, []string) error, addFlags func(*inspectArgs, *flag.FlagSet)) (dir string, a inspectArgs, code int) {
	fs := newFlags(name, usageLine, s)
	fs.StringVar(&a.state, "state", "", "campaign directory (default: the campaign of FILE, or the only one under .asi/)")
	fs.BoolVar(&a.json, "json", false, "print JSON")
	if addFlags != nil {
		addFlags(&a, fs)
	}
	pos, code, ok := parseFlags(fs, args)
	if !ok {
		return "", a, code
	}
	switch {
	case positional != nil:
		if err := positional(&a, pos); err != nil {
			views.View{W: s.Stderr}.Problem(name, err)
			fs.Usage()
			return "", a, exitUsage
		}
	case len(pos) > 1:
		fs.Usage()
		return "", a, exitUsage
	case len(pos) == 1:
		a.target = pos[0]
	}
	dir, err := findCampaignDir(a.state, a.target, s.Stderr)
	if err != nil {
		return "", a, fail(err, s)
	}
	return dir, a, exitOK
}

// render ends a verb with what its view returned: a view error is
// printed, and the exit code says whether there was one.
func render(err error, s Streams) int {
	if err != nil {
		return fail(err, s)
	}
	return exitOK
}

// fail prints err as the verb's error and returns the error exit code.
func fail(err error, s Streams) int {
	views.View{W: s.Stderr}.Error(err)
	return exitError
}
