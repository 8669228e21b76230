package executor

import "errors"

var (
	// ErrUnknownJob is returned for a job id the executor never issued.
	ErrUnknownJob = errors.New("unknown job")
	// ErrNoDriver means no NVIDIA driver could be loaded: GPU jobs are refused.
	ErrNoDriver = errors.New("no NVIDIA driver")
	// ErrUnsatisfiable means no device of this machine could ever run the job.
	ErrUnsatisfiable = errors.New("resources cannot be satisfied")
	// ErrBadJob is a job that is malformed (no command, a file path escaping
	// the job directory).
	ErrBadJob = errors.New("bad job")
	// ErrUnknownExecutor is a job naming an executor the campaign lacks.
	ErrUnknownExecutor = errors.New("unknown executor")
	// ErrDirUnreachable means the job user cannot enter the work
	// directory: a directory above it is closed to other users.
	ErrDirUnreachable = errors.New("work directory unreachable by the job user")
	// ErrIsolation means this machine cannot isolate jobs as much as the
	// campaign requires.
	ErrIsolation = errors.New("isolation unavailable")
)
