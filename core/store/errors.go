package store

import "errors"

var (
	// ErrNotFound is returned when a node or value does not exist.
	ErrNotFound = errors.New("not found")
	// ErrNewerSchema is returned when the database was written by a newer asi.
	ErrNewerSchema = errors.New("database schema is newer than this asi")
	// ErrStepDone is returned when a node is committed for a step that
	// already has one.
	ErrStepDone = errors.New("step already has a node")
)
