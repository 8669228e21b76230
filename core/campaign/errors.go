package campaign

import "errors"

// ErrInvalidByteSize is wrapped by ParseByteSize for text that is not a byte
// size.
var ErrInvalidByteSize = errors.New("invalid byte size")
