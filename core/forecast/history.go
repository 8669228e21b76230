package forecast

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/core/store"
)

// History is what a campaign's store says about its cost so far.
type History struct {
	Steps int         // steps stored after the initial program
	Spent store.Usage // every call so far, step 0 included
	// Roles totals the model calls of steps 1 on, by role.
	Roles map[string]store.RoleSpend
	// Once holds the roles that made calls in step 0: the manager's
	// guidance is written once per campaign.
	Once map[string]bool
	// StepTimes are the stored steps' durations, claim to commit.
	StepTimes []time.Duration
}

// ReadHistory reads the history of the campaign in dir; it returns nil
// and no error when dir holds no campaign yet.
func ReadHistory(ctx context.Context, dir string) (*History, error) {
	if _, err := os.Stat(filepath.Join(dir, store.FileName)); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("read history of %s: %w", dir, err)
	}
	st, err := store.Open(ctx, dir)
	if err != nil {
		return nil, fmt.Errorf("read history: %w", err)
	}
	defer st.Close()
	counts, err := st.Steps(ctx)
	if err != nil {
		return nil, fmt.Errorf("read history of %s: %w", dir, err)
	}
	h := &History{Steps: max(counts.Done-1, 0), Roles: map[string]store.RoleSpend{}, Once: map[string]bool{}}
	if h.Spent, err = st.Usage(ctx); err != nil {
		return nil, fmt.Errorf("read history of %s: %w", dir, err)
	}
	all, err := st.SpendByRole(ctx, 0)
	if err != nil {
		return nil, fmt.Errorf("read history of %s: %w", dir, err)
	}
	steps, err := st.SpendByRole(ctx, 1)
	if err != nil {
		return nil, fmt.Errorf("read history of %s: %w", dir, err)
	}
	for _, r := range steps {
		h.Roles[r.Role] = r
	}
	for _, r := range all {
		if r.Calls > h.Roles[r.Role].Calls {
			h.Once[r.Role] = true
		}
	}
	if h.StepTimes, err = st.StepDurations(ctx, 1); err != nil {
		return nil, fmt.Errorf("read history of %s: %w", dir, err)
	}
	return h, nil
}

// perStep is a role's mean calls and tokens per stored step, unpriced;
// ok is false when the history cannot say: no stored step, or no call of
// the role (it may have been offline then). Repairs are the exception: a
// campaign whose researcher was called and never repaired needed none.
func (h *History) perStep(role string) (Amount, bool) {
	if h == nil || h.Steps == 0 {
		return Amount{}, false
	}
	r, ok := h.Roles[role]
	if !ok {
		if _, researched := h.Roles["researcher"]; role != "repair" || !researched {
			return Amount{}, false
		}
	}
	n := float64(h.Steps)
	return Amount{Calls: float64(r.Calls) / n, PromptTokens: float64(r.PromptTokens) / n, CompletionTokens: float64(r.CompletionTokens) / n}, true
}

// madeOnce says whether role's once-per-campaign calls are already made.
func (h *History) madeOnce(role string) bool { return h != nil && h.Once[role] }

// line is the history's line for a role the estimate does not model,
// priced at the file's price of model when known, else at the cost the
// store recorded.
func (h *History) line(role, model string, cfg *campaign.Config) (Line, bool) {
	perStep, ok := h.perStep(role)
	if !ok {
		return Line{}, false
	}
	l := Line{Role: role, Model: model, From: "history"}
	pr := priceOf(cfg.Models[model])
	if pr.known {
		l.PerStep, l.Price = pr.cost(perStep), pr.from
		return l, true
	}
	perStep.USD = h.Roles[role].CostUSD / float64(h.Steps)
	l.PerStep, l.Price = perStep, "as recorded"
	return l, true
}
