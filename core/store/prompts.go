package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"
)

// Origins of a prompt variant.
const (
	PromptBuiltin = "builtin" // the built-in framing, variant 1
	PromptModel   = "model"   // written by the prompts block's model
	PromptOffline = "offline" // written by the offline rules
)

// PromptVariant is one system prompt of the researcher's archive.
type PromptVariant struct {
	ID          int64
	Parent      int64 // the variant it was derived from; 0 for none
	Text        string
	Origin      string // PromptBuiltin, PromptModel or PromptOffline
	CreatedStep int64  // the step after which it was proposed; 0 for the built-in framing
	Retired     bool
	RetiredStep int64 // the step after which it was retired, when Retired
	CreatedAt   time.Time
}

// AddPromptVariant stores v, and retires the variant retire (0: none)
// after step v.CreatedStep, in one transaction; it returns v's id.
func (s *Store) AddPromptVariant(ctx context.Context, v PromptVariant, retire int64) (int64, error) {
	switch v.Origin {
	case PromptBuiltin, PromptModel, PromptOffline:
	default:
		return 0, fmt.Errorf("add prompt variant: unknown origin %q", v.Origin)
	}
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var parent any
		if v.Parent != 0 {
			parent = v.Parent
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO prompt_variants (parent, text, origin, created_step, created_at)
			VALUES (?, ?, ?, ?, ?)`, parent, v.Text, v.Origin, v.CreatedStep, now())
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		if retire == 0 {
			return nil
		}
		res, err = tx.ExecContext(ctx, `UPDATE prompt_variants SET retired_step = ? WHERE id = ? AND retired_step IS NULL`,
			v.CreatedStep, retire)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("retire variant %d: %w (or already retired)", retire, ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("add prompt variant: %w", err)
	}
	return id, nil
}

// PromptVariants returns every variant, retired ones too, in id order.
func (s *Store) PromptVariants(ctx context.Context) ([]PromptVariant, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, COALESCE(parent, 0), text, origin, created_step, retired_step, created_at
		FROM prompt_variants ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list prompt variants: %w", err)
	}
	defer rows.Close()
	var out []PromptVariant
	for rows.Next() {
		var v PromptVariant
		var retired sql.NullInt64
		var created string
		if err := rows.Scan(&v.ID, &v.Parent, &v.Text, &v.Origin, &v.CreatedStep, &retired, &created); err != nil {
			return nil, fmt.Errorf("list prompt variants: %w", err)
		}
		v.Retired, v.RetiredStep = retired.Valid, retired.Int64
		v.CreatedAt = parseTime(created)
		out = append(out, v)
	}
	return out, rows.Err()
}

// SetPromptUse records that step's researcher was shown variant. A step
// run again (after a crash) overwrites its record.
func (s *Store) SetPromptUse(ctx context.Context, step, variant int64) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO prompt_uses (step, variant_id) VALUES (?, ?)
		ON CONFLICT (step) DO UPDATE SET variant_id = excluded.variant_id`, step, variant)
	if err != nil {
		return fmt.Errorf("step %d: record prompt variant %d: %w", step, variant, err)
	}
	return nil
}

// PromptUses returns the variant of every step that recorded one, by step.
// A step without a node (abandoned, or not yet committed) may be listed.
func (s *Store) PromptUses(ctx context.Context) (map[int64]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT step, variant_id FROM prompt_uses`)
	if err != nil {
		return nil, fmt.Errorf("list prompt uses: %w", err)
	}
	defer rows.Close()
	uses := map[int64]int64{}
	for rows.Next() {
		var step, variant int64
		if err := rows.Scan(&step, &variant); err != nil {
			return nil, fmt.Errorf("list prompt uses: %w", err)
		}
		uses[step] = variant
	}
	return uses, rows.Err()
}

// PromptUse returns the variant step's researcher was shown, or
// ErrNotFound.
func (s *Store) PromptUse(ctx context.Context, step int64) (int64, error) {
	var v int64
	err := s.db.QueryRowContext(ctx, `SELECT variant_id FROM prompt_uses WHERE step = ?`, step).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("step %d prompt variant: %w", step, ErrNotFound)
	}
	return v, err
}

// InvalidPromptCredit is the credit of a node that is not valid: as bad
// as the worst change a valid node made. A node whose evaluation could
// not run (StatusInfraFailed) is no fault of the prompt and is not counted.
const InvalidPromptCredit = -1.0

// PromptTally sums what the nodes a variant produced gained over their
// parents. A node's credit is its oriented primary-score gain over its
// first parent divided by the largest such gain in absolute value among
// all counted nodes, so credits lie in [-1, 1] and compare across tasks;
// a valid node of an invalid parent gets 1, an invalid node
// InvalidPromptCredit. The engine keeps one for the running campaign and
// the read model counts one again from the store; the zero tally is empty.
type PromptTally struct {
	byVariant map[int64]*promptSums
	scale     float64 // the largest |gain| of a valid node of a valid parent
}

type promptSums struct {
	uses  int
	gain  float64 // sum of the gains of valid nodes of valid parents
	units float64 // sum of the credits that need no scale (fresh valid: 1, invalid: InvalidPromptCredit)
}

// Add counts node n, designed with variant, whose first parent is parent;
// maximize says which way the primary score is better. It reports whether
// n was counted.
func (t *PromptTally) Add(variant int64, n, parent Node, maximize bool) bool {
	if n.Step == 0 || n.Status == StatusInfraFailed {
		return false
	}
	if t.byVariant == nil {
		t.byVariant = map[int64]*promptSums{}
	}
	s := t.byVariant[variant]
	if s == nil {
		s = &promptSums{}
		t.byVariant[variant] = s
	}
	s.uses++
	switch {
	case !n.Valid:
		s.units += InvalidPromptCredit
	case !parent.Valid:
		s.units++
	default:
		gain := n.Score - parent.Score
		if !maximize {
			gain = -gain
		}
		s.gain += gain
		t.scale = max(t.scale, math.Abs(gain))
	}
	return true
}

// Uses is how many counted nodes variant produced.
func (t *PromptTally) Uses(variant int64) int {
	if s := t.byVariant[variant]; s != nil {
		return s.uses
	}
	return 0
}

// MeanCredit is the mean credit of variant's nodes, 0 when it has none.
func (t *PromptTally) MeanCredit(variant int64) float64 {
	s := t.byVariant[variant]
	if s == nil || s.uses == 0 {
		return 0
	}
	total := s.units
	if t.scale > 0 {
		total += s.gain / t.scale
	}
	return total / float64(s.uses)
}

// TallyPrompts counts nodes by the variants in uses (by step, as
// PromptUses returns them).
func TallyPrompts(nodes []Node, uses map[int64]int64, maximize bool) *PromptTally {
	byID := make(map[int64]Node, len(nodes))
	for _, n := range nodes {
		byID[n.ID] = n
	}
	t := &PromptTally{}
	for _, n := range nodes {
		variant, ok := uses[n.Step]
		if !ok || len(n.Parents) == 0 {
			continue
		}
		t.Add(variant, n, byID[n.Parents[0]], maximize)
	}
	return t
}
