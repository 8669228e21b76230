package sdk

import (
	"context"
	"time"
)

// Executor runs jobs (a command with files) with limits: on this machine,
// on a GPU, or on a cluster. Executor plugins implement it; a task reaches
// the campaign's executor through Host.Executor, which returns
// ErrNoExecutor when the campaign has none.
type Executor interface {
	Capabilities(ctx context.Context) (Capabilities, error)
	Submit(ctx context.Context, job Job) (string, error)
	// Wait blocks until the job ends or ctx is done.
	Wait(ctx context.Context, jobID string) (JobResult, error)
	// Logs returns the job's log from byte offset on, and whether the job
	// has ended (no more will come).
	Logs(ctx context.Context, jobID string, offset int64) (data []byte, done bool, err error)
	Cancel(ctx context.Context, jobID string) error
}

// Capabilities say what an executor offers.
type Capabilities struct {
	Name        string
	Version     string
	APIVersions []string
	Devices     []Device
	Memory      uint64 // bytes available to jobs
}

// Device is one processor jobs can be placed on.
type Device struct {
	Kind   string // "cpu" or "gpu"
	Name   string
	Memory uint64 // bytes
}

// Resources a job asks for; the executor enforces its own maximum.
type Resources struct {
	CPUs, GPUs int
	Memory     uint64
	Timeout    time.Duration
	GPUMemory  uint64 // bytes each GPU must have free
}

// Job is a command to run with its input files.
type Job struct {
	Command   []string
	Files     map[string][]byte
	Env       map[string]string
	Resources Resources
	// Key makes Submit idempotent: a job already submitted with the same
	// key is returned instead of starting another (re-attach on resume).
	Key string
	// Executor names which of the campaign's executors runs the job; empty
	// means the only one.
	Executor string
	// Outputs are paths, relative to the job's directory, of the result
	// files Wait returns.
	Outputs []string
}

// JobState is how a job ended.
type JobState string

const (
	JobSucceeded JobState = "succeeded"
	JobFailed    JobState = "failed"
	JobCancelled JobState = "cancelled"
	JobTimedOut  JobState = "timed_out"
)

// JobResult is how a job ended and what it left.
type JobResult struct {
	State    JobState
	ExitCode int
	Detail   string
	Outputs  map[string][]byte
	Wall     time.Duration
}
