package plugins

import "errors"

var (
	// ErrNotFound: no binary for the plugin in any discovery place.
	ErrNotFound = errors.New("plugin not found")
	// ErrChecksum: the binary's sha256 is not the plugin block's.
	ErrChecksum = errors.New("plugin checksum mismatch")
	// ErrProtocol: the plugin speaks another protocol or API version.
	ErrProtocol = errors.New("plugin protocol version mismatch")
	// ErrCrashed: the plugin process died during a call.
	ErrCrashed = errors.New("plugin crashed")
	// ErrDeadline: the plugin overran the host's evaluation deadline.
	ErrDeadline = errors.New("plugin evaluation deadline exceeded")
	// ErrInvalidDescription: the plugin describes itself in a way asi
	// cannot run (no stages' primary metric, markers asi does not know).
	ErrInvalidDescription = errors.New("invalid task description")
)
