package command

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/asi-evolve/asi/core/backend"
	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/core/task"
	"github.com/asi-evolve/asi/core/views"
)

// Streams are the standard streams a command uses.
type Streams struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
}

// Exit codes.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// verb is one command of asi: its line in the usage and what runs it.
type verb struct {
	summary string
	run     func(ctx context.Context, args []string, s Streams) int
}

// verbs are asi's commands by name, built on each call: no package state.
func verbs() map[string]verb {
	return map[string]verb{
		"apply":     {"run a campaign (resumes one that stopped)", runApply},
		"plan":      {"check a campaign file and show what apply would do and cost", runPlan},
		"status":    {"show a campaign's progress", runStatus},
		"show":      {"show one node: metrics, motivation, analysis, code", runShow},
		"best":      {"print the best program", runBest},
		"export":    {"write every node as jsonl or csv", runExport},
		"plugins":   {"list the task and executor plugins found, and why any is rejected", runPlugins},
		"ui":        {"serve the web dashboard of campaigns on 127.0.0.1", runUI},
		"report":    {"write a self-contained HTML report with plots", runReport},
		"sandbox":   {"run one program in the sandbox, as a campaign would", runSandbox},
		"cognition": {"search, list, import or export the cognition base", runCognition},
		"ablate":    {"run a campaign with pieces turned off, same seeds, and compare", runAblate},
		"task":      {"check a campaign's initial program: evaluate it once and print its score", runTask},
		"import":    {"write a campaign file for an OpenEvolve, ShinkaEvolve or ASI-Evolve folder", runImport},
	}
}

// Main runs asi with the arguments after the program name.
func Main(args []string, s Streams) int {
	all := verbs()
	stderr := views.View{W: s.Stderr}
	if len(args) == 0 || isHelp(args[0]) || args[0] == "help" {
		stderr.Usage(summaries(all))
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	v, ok := all[args[0]]
	if !ok {
		stderr.UnknownCommand(args[0], summaries(all))
		return exitUsage
	}
	return v.run(context.Background(), args[1:], s)
}

// isHelp reports whether arg asks for help as a flag would.
func isHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help"
}

// summaries maps each verb's name to its one-line summary.
func summaries(all map[string]verb) map[string]string {
	out := make(map[string]string, len(all))
	for name, v := range all {
		out[name] = v.summary
	}
	return out
}

// newFlags makes a flag set that reports to stderr and does not exit.
func newFlags(name, usageLine string, s Streams) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(s.Stderr)
	fs.Usage = func() { views.View{W: s.Stderr}.FlagUsage(name, usageLine, fs) }
	return fs
}

// parseFlags parses, allowing flags after positional arguments
// (`asi show 3 -json`).
func parseFlags(fs *flag.FlagSet, args []string) ([]string, int, bool) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, exitOK, false
			}
			return nil, exitUsage, false
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, exitOK, true
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// stateRoot is where campaign directories live by default.
const stateRoot = ".asi"

// campaignDir is the state directory of a campaign named name.
func campaignDir(name string) string { return filepath.Join(stateRoot, name) }

// loadCampaign parses a campaign file and prints its diagnostics (warnings
// too) with source snippets. ok is false when it has errors.
// Unknown tasks are reported here too, located at the task attribute.
func loadCampaign(path string, stderr io.Writer) (*campaign.Config, bool) {
	cfg, _, ok := loadCampaignTask(path, stderr)
	return cfg, ok
}

// loadCampaignTask is loadCampaign that also returns the task's
// description (where it runs candidates, its initial program), from the
// one start of its plugin that checks it.
func loadCampaignTask(path string, stderr io.Writer) (*campaign.Config, task.Description, bool) {
	p := campaign.NewParser()
	cfg, diags := p.LoadFile(path)
	var desc task.Description
	if !diags.HasErrors() {
		d, taskDiags := backend.DescribeTask(context.Background(), cfg)
		diags = append(diags, taskDiags...)
		desc = d
	}
	if len(diags) > 0 {
		p.WriteDiagnostics(stderr, diags)
	}
	return cfg, desc, !diags.HasErrors()
}

// findCampaignDir resolves the campaign a read-only command looks at: an
// explicit -state directory, a campaign file, a campaign directory, or the
// only campaign under .asi/.
func findCampaignDir(state, target string, stderr io.Writer) (string, error) {
	switch {
	case state != "":
		return existingDir(state)
	case strings.HasSuffix(target, ".hcl"):
		cfg, ok := loadCampaign(target, stderr)
		if !ok {
			return "", fmt.Errorf("%s has errors", target)
		}
		return existingDir(campaignDir(cfg.Campaign.Name))
	case target != "":
		return existingDir(target)
	}
	entries, err := os.ReadDir(stateRoot)
	if err != nil {
		return "", fmt.Errorf("no campaign here: %s does not exist (run `asi apply FILE` first, or pass -state DIR)", stateRoot)
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() {
			if _, err := os.Stat(filepath.Join(stateRoot, e.Name(), "campaign.db")); err == nil {
				dirs = append(dirs, filepath.Join(stateRoot, e.Name()))
			}
		}
	}
	switch len(dirs) {
	case 0:
		return "", fmt.Errorf("no campaign in %s (run `asi apply FILE` first)", stateRoot)
	case 1:
		return dirs[0], nil
	}
	return "", fmt.Errorf("several campaigns in %s (%s): name one with -state DIR or a campaign file", stateRoot, strings.Join(dirs, ", "))
}

func existingDir(dir string) (string, error) {
	if _, err := os.Stat(filepath.Join(dir, "campaign.db")); err != nil {
		return "", fmt.Errorf("%s holds no campaign (no campaign.db); run `asi apply` first", dir)
	}
	return dir, nil
}
