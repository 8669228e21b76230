package sampling

import "errors"

var (
	// ErrUnknownSampler means New was given a name not in Names.
	ErrUnknownSampler = errors.New("unknown sampler")
	// ErrBadOption means an Options field is out of its range.
	ErrBadOption = errors.New("bad sampler option")
)
