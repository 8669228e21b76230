package report

import (
	"errors"
	"fmt"

	"github.com/asi-evolve/asi/core/store"
)

// ErrNoNodes is returned when a campaign has no stored node to report on.
var ErrNoNodes = errors.New("the campaign has no node yet (run `asi apply` first)")

// ErrNoValidNode is returned when a campaign has no valid node yet; it
// wraps store.ErrNotFound.
var ErrNoValidNode = fmt.Errorf("best node: %w", store.ErrNotFound)
