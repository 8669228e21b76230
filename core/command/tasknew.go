package command

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/asi-evolve/asi/core/backend"
	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/core/draft"
	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/views"
)

// The environment `asi task new` reads its model from.
const (
	modelEnv   = "ASI_MODEL"
	baseURLEnv = "OPENAI_BASE_URL"
	apiKeyEnv  = "OPENAI_API_KEY"
)

// taskNewRetries is how often a failed request to the model is retried:
// a few, so a server that is down fails the command in seconds.
const taskNewRetries = 2

// runTaskNew drafts a task with a model: `asi task new "DESCRIPTION"`.
func runTaskNew(ctx context.Context, args []string, s Streams) int {
	fs := newFlags("task new", `[flags] "DESCRIPTION"`, s)
	out := fs.String("o", "", "the folder to write (default: named from the description's first words, here)")
	force := fs.Bool("force", false, "replace the folder if it exists and is not empty")
	model := fs.String("model", os.Getenv(modelEnv), "the model's name (default $"+modelEnv+")")
	baseURL := fs.String("base-url", os.Getenv(baseURLEnv), "the OpenAI-compatible API, up to /v1 (default $"+baseURLEnv+"); the key is $"+apiKeyEnv)
	rounds := fs.Int("rounds", draft.DefaultRounds, "how many times a draft that fails its checks goes back to the model")
	timeout := fs.Duration("timeout", 30*time.Second, "how long one evaluation may run")
	maxTokens := fs.Int("max-tokens", 0, "cap on each reply's tokens (default: the server's)")
	cache := fs.String("cache", sandboxCacheDir(), "cache of builds and compiled modules")
	packages := fs.Bool("packages", false, "let the evaluator import the machine's Python packages: it then runs in the local executor's jail, which shows it the machine read-only, instead of the wasm sandbox")
	pos, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(pos) == 0 {
		fs.Usage()
		return exitUsage
	}
	description := strings.Join(pos, " ")
	problems := taskNewProblems(*model, *baseURL, *rounds, *timeout, description)
	if len(problems) > 0 {
		fmt.Fprintf(s.Stderr, "asi task new: %s\n", strings.Join(problems, "\nasi task new: "))
		return exitUsage
	}
	target := *out
	if target == "" {
		target = draft.FolderName(description)
	}
	provider, err := llm.NewOpenAI(llm.OpenAIConfig{BaseURL: *baseURL, APIKey: os.Getenv(apiKeyEnv), Model: *model, MaxRetries: taskNewRetries})
	if err != nil {
		return fail(fmt.Errorf("task new: model %s: %w", *model, err), s)
	}
	// Interrupted, the draft's folder is removed and the task stopped.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	progress := views.ProgressLines(s.Stderr)
	res, err := draft.Run(ctx, draft.Options{
		Description: description, Model: provider, ModelName: *model, MaxTokens: *maxTokens,
		Start: startDraft(*cache, progress), Rounds: *rounds, Timeout: *timeout, Packages: *packages,
		Target: target, Force: *force,
		Log: func(format string, args ...any) { fmt.Fprintf(s.Stderr, format+"\n", args...) },
	})
	if err != nil {
		if errors.Is(err, context.Canceled) {
			err = fmt.Errorf("interrupted; nothing was written: %w", err)
		}
		fmt.Fprintf(s.Stderr, "asi task new: %v\n", err)
		return exitError
	}
	if err := (views.View{W: s.Stdout}).TaskNew(views.TaskNew{Dir: res.Dir, Drafts: res.Drafts, Report: res.Report.Text()}); err != nil {
		return fail(err, s)
	}
	return exitOK
}

// taskNewProblems are what is wrong with the command line, each with what
// to do about it.
func taskNewProblems(model, baseURL string, rounds int, timeout time.Duration, description string) []string {
	var problems []string
	if model == "" {
		problems = append(problems, "no model: name one with -model NAME or $"+modelEnv)
	}
	if baseURL == "" {
		problems = append(problems, "no server: give the OpenAI-compatible API with -base-url URL or $"+baseURLEnv+" (the key goes in $"+apiKeyEnv+")")
	}
	if rounds < 0 {
		problems = append(problems, "-rounds must be 0 or more")
	}
	if timeout <= 0 {
		problems = append(problems, "-timeout must be positive")
	}
	if strings.TrimSpace(description) == "" {
		problems = append(problems, "the description is empty: say what the task is")
	}
	return problems
}

// startDraft starts a drafted task in the sandbox, from the campaign file
// asi wrote for it, with the sandbox's random source seeded as asked.
func startDraft(cache string, progress func(string)) draft.StartFunc {
	return func(ctx context.Context, file string, randSeed uint64) (draft.Evaluator, error) {
		cfg, diags := campaign.NewParser().LoadFile(file)
		if diags.HasErrors() {
			return nil, fmt.Errorf("the campaign file written for the draft: %s", diags.Error())
		}
		cfg.Sandbox.RandSeed = randSeed
		return backend.StartEvaluator(ctx, cfg, backend.CheckOptions{SandboxCacheDir: cache, SandboxProgress: progress})
	}
}
