package store

import (
	"errors"

	"github.com/asi-evolve/asi/internal/sqlitedb"
)

var (
	// ErrNotFound is returned when a node or value does not exist.
	ErrNotFound = errors.New("not found")
	// ErrNewerSchema is returned when the database was written by a newer asi.
	ErrNewerSchema = sqlitedb.ErrNewerSchema
	// ErrStepDone is returned when a node is committed for a step that
	// already has one.
	ErrStepDone = errors.New("step already has a node")
)
