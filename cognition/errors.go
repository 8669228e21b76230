package cognition

import "errors"

var (
	// ErrNotFound: no item has that ID.
	ErrNotFound = errors.New("cognition item not found")
	// ErrEmbedderMismatch: the store was built with another embedder or
	// vector dimension; re-embed it (export, then import) or change the file.
	ErrEmbedderMismatch = errors.New("cognition store was built with another embedder")
	// ErrQueued: the store could not be reached; the write-back is queued in
	// the campaign database and will be applied when it is back.
	ErrQueued = errors.New("cognition write-back queued")
	// ErrUnavailable: the store could not be reached.
	ErrUnavailable = errors.New("cognition store unavailable")
)
