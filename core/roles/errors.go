package roles

import "errors"

var (
	// ErrNoJudgement means a judge reply held no "criterion: score" line.
	ErrNoJudgement = errors.New("no criterion scored 0 to 10")

	// ErrNoParent means an offline research request came without a program.
	ErrNoParent = errors.New("no parent program")
	// ErrNoEvolveBlock means the parent has no non-empty EVOLVE region, or
	// its markers do not pair up (the error then also wraps
	// diffs.ErrUnbalancedMarkers).
	ErrNoEvolveBlock = errors.New("no evolve block")
	// ErrNothingToEdit means the EVOLVE regions hold no number to mutate and
	// no second parent offers different lines to cross over.
	ErrNothingToEdit = errors.New("nothing to edit")
)
