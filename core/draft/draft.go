package draft

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/asi-evolve/asi/core/llm"
)

// ChecksFile is the report a drafted folder holds.
const ChecksFile = "CHECKS.md"

// DefaultRounds is how many times a failed draft goes back to the model.
const DefaultRounds = 3

// ErrNotReady: no draft passed its checks within the rounds.
var ErrNotReady = errors.New("no draft passed its checks")

// Options say what to draft and where.
type Options struct {
	// Description is the task, in the user's words.
	Description string
	// Model drafts; its name is for the progress lines.
	Model     llm.Provider
	ModelName string
	// MaxTokens caps each reply; 0 leaves it to the server.
	MaxTokens int
	// Start starts a draft's task in the sandbox.
	Start StartFunc
	// Rounds is how many times a failed draft goes back to the model with
	// its report; the model writes at most Rounds+1 drafts.
	Rounds int
	// Timeout bounds one evaluation.
	Timeout time.Duration
	// Packages lets the evaluator import the machine's Python packages:
	// it then runs as a job of the local executor, in its jail, instead
	// of the wasm sandbox. Only the user asks for it.
	Packages bool
	// Target is the folder to write; Force replaces a non-empty one.
	Target string
	Force  bool
	// Log is told what happens, a line at a time; nil says nothing.
	Log func(format string, args ...any)
}

// Result is a draft that passed, moved into place.
type Result struct {
	Dir    string // the target folder
	Drafts int    // how many drafts it took
	Report Report
	Draft  Draft
}

// RoundError is ErrNotReady with the last round's report.
type RoundError struct {
	Drafts int
	Report Report
}

func (e *RoundError) Error() string {
	return fmt.Sprintf("%v after %d draft(s); the last one:\n%s", ErrNotReady, e.Drafts, strings.TrimRight(e.Report.Text(), "\n"))
}

func (e *RoundError) Unwrap() error { return ErrNotReady }

// Run has the model draft the task, checks each draft and sends the
// failures back, up to Rounds times. On success the folder is at
// Target with a CHECKS.md; on any error nothing is left there (nor beside
// it), cancellation included.
func Run(ctx context.Context, opts Options) (Result, error) {
	log := opts.Log
	if log == nil {
		log = func(string, ...any) {}
	}
	if strings.TrimSpace(opts.Description) == "" {
		return Result{}, errors.New("the description is empty: say what the task is")
	}
	ws, err := NewWorkspace(opts.Target, opts.Force)
	if err != nil {
		return Result{}, err
	}
	defer ws.Discard()
	camp := Campaign{Name: CampaignName(filepath.Base(ws.Target)), Description: opts.Description, Timeout: opts.Timeout, Packages: opts.Packages}

	msgs := firstMessages(opts.Description, opts.Packages)
	total := opts.Rounds + 1
	var rep Report
	for n := 1; n <= total; n++ {
		log("draft %d/%d: asking %s", n, total, opts.ModelName)
		resp, err := opts.Model.Complete(ctx, llm.Request{Role: Role, Messages: msgs, MaxTokens: opts.MaxTokens})
		if err != nil {
			return Result{}, fmt.Errorf("draft %d: the model: %w", n, err)
		}
		d, perr := Parse(resp.Content)
		if perr != nil {
			rep = Report{Checks: []Check{{Name: CheckReply, Detail: perr.Error()}}}
			logCheck(log, rep.Checks[0])
		} else {
			log("draft %d: checking it in the sandbox", n)
			if err := ws.Write(d, camp); err != nil {
				return Result{}, err
			}
			rep, err = CheckDraft(ctx, ws.CampaignFile(), d, opts.Start, log)
			if err != nil {
				return Result{}, fmt.Errorf("draft %d: %w", n, err)
			}
			rep.Checks = append([]Check{{Name: CheckReply, Passed: true, Detail: "the three blocks, parsed"}}, rep.Checks...)
			if rep.Passed() {
				if err := ws.WriteFile(ChecksFile, ChecksReport(opts, d, rep, n)); err != nil {
					return Result{}, err
				}
				if err := ctx.Err(); err != nil {
					return Result{}, err
				}
				if err := ws.Commit(); err != nil {
					return Result{}, err
				}
				return Result{Dir: ws.Target, Drafts: n, Report: rep, Draft: d}, nil
			}
		}
		msgs = fixMessages(opts.Description, opts.Packages, resp.Content, rep.Text())
	}
	return Result{}, &RoundError{Drafts: total, Report: rep}
}

// ChecksReport is CHECKS.md: what was asked, and what asi checked.
func ChecksReport(opts Options, d Draft, rep Report, drafts int) []byte {
	var b strings.Builder
	b.WriteString("# What asi checked\n\n")
	fmt.Fprintf(&b, "A model (%s) drafted this task with `asi task new`; this draft is number %d. ", opts.ModelName, drafts)
	b.WriteString("Its evaluator is untrusted code: every check ran it through the script task in the wasm sandbox (no network, no processes, no files but its folder), and so does every campaign of `" + CampaignFileName + "`.\n\n")
	b.WriteString("The task, as asked for:\n\n")
	b.WriteString(indent(strings.TrimSpace(opts.Description), "> ") + "\n\n")
	b.WriteString("## Checks\n\n")
	b.WriteString(rep.Text())
	b.WriteString("\n## Not checked\n\n")
	b.WriteString("- that the evaluator checks every rule of the problem: read it, and run `asi task audit` on it;\n")
	if d.Meta.KnownBest != nil {
		fmt.Fprintf(&b, "- the known best the model declared (%g);\n", *d.Meta.KnownBest)
	}
	b.WriteString("- that the statement says what the evaluator rewards.\n")
	return []byte(b.String())
}
