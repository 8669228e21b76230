package backend

import (
	"context"
	"fmt"
	"os"

	"github.com/zclconf/go-cty/cty"

	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/redteam"
	"github.com/asi-evolve/asi/core/task"
	"github.com/asi-evolve/asi/plugins"
)

// Evaluator is a campaign's task, started as a run would start it (the
// sandbox, the executors and the task plugin; no store, model or engine),
// to score programs one at a time: `asi task new` checks a drafted
// evaluator with it, and `asi task audit` attacks one.
type Evaluator struct {
	redteam.TaskEvaluator
	run *Run
}

// StartEvaluator starts cfg's task. The plugins' stderr goes to a scratch
// directory removed by Close; Close stops everything it started.
func StartEvaluator(ctx context.Context, cfg *campaign.Config, opts CheckOptions) (*Evaluator, error) {
	scratch, err := os.MkdirTemp("", "asi-evaluate-")
	if err != nil {
		return nil, err
	}
	r := &Run{}
	r.onClose(func() { _ = os.RemoveAll(scratch) })
	tk, desc, err := r.startPlugins(ctx, cfg, Options{StateDir: scratch, SandboxCacheDir: opts.SandboxCacheDir, SandboxProgress: opts.SandboxProgress})
	if err != nil {
		r.Close()
		return nil, err
	}
	return &Evaluator{run: r, TaskEvaluator: redteam.TaskEvaluator{Task: tk, Desc: desc, ErrDeadline: plugins.ErrDeadline}}, nil
}

// Description is the task's description of itself.
func (e *Evaluator) Description() task.Description { return e.Desc }

// Close stops the plugins and removes the scratch directory.
func (e *Evaluator) Close() { e.run.Close() }

// AdversaryModel builds the provider of the model block labelled label,
// for the red team's adversary role; the offline provider cannot play it.
func AdversaryModel(cfg *campaign.Config, label string) (llm.Provider, error) {
	if _, ok := cfg.Models[label]; !ok {
		return nil, fmt.Errorf("the campaign file has no model block labelled %q", label)
	}
	return modelRole(cfg, label, "adversary")
}

// EvaluatorSource is the source of the script task's evaluator file, for
// the red team's adversary; "" when the task has none (a plugin's own
// evaluator is compiled in) or it cannot be read.
func EvaluatorSource(cfg *campaign.Config) string {
	if cfg.Campaign.Task != "script" {
		return ""
	}
	s, ok := cfg.Task.Settings["evaluator"]
	if !ok || s.Value.IsNull() || !s.Value.Type().Equals(cty.String) {
		return ""
	}
	data, err := os.ReadFile(cfg.Resolve(s.Value.AsString()))
	if err != nil {
		return ""
	}
	return string(data)
}
