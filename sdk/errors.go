package sdk

import "errors"

var (
	// ErrNoExecutor is returned by Host.Executor when the campaign declares
	// no executor block.
	ErrNoExecutor = errors.New("no executor configured")
	// ErrNotConfigured is returned when a host service is used before
	// Configure handed it over.
	ErrNotConfigured = errors.New("host services are handed to Configure; it has not been called")
	// ErrHarnessChanged is returned by EvolveBlock when a candidate changed
	// text outside its EVOLVE region.
	ErrHarnessChanged = errors.New("the harness outside the EVOLVE block was changed")
)
