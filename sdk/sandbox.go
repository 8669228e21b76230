package sdk

import (
	"context"
	"time"
)

// Sandbox runs an untrusted program in the host's wazero sandbox. It is
// safe for concurrent use.
type Sandbox interface {
	// Run prepares the files with the host's toolchain for the language and
	// runs them. A program that fails to build or run is a SandboxResult
	// with a Reason; an error means the host could not run it.
	Run(ctx context.Context, r SandboxRun) (SandboxResult, error)
}

// SandboxRun is one program to run.
type SandboxRun struct {
	Language string            // "go", or another language the host has a toolchain for
	Files    map[string][]byte // relative path -> content; for "go", one main package
	Stdin    []byte
	Args     []string
	// Limits requested; zero fields take the campaign's, and the host never
	// goes above the campaign's.
	Limits Limits
}

// Reasons a run did not end cleanly; "" is success.
const (
	ReasonTimeout     = "timeout"
	ReasonOutOfMemory = "out_of_memory"
	ReasonTrap        = "trap"
	ReasonExit        = "exit"
	ReasonOutputLimit = "output_limit"
	ReasonCompile     = "compile"
)

// SandboxResult is what a run produced. Stdout and Stderr come from the
// untrusted program; Wall, Reason, Limits and the truncation flags come
// from the host.
type SandboxResult struct {
	ExitCode                         uint32
	Stdout, Stderr                   []byte
	StdoutTruncated, StderrTruncated bool
	Wall                             time.Duration
	// Reason is "" when the program exited 0 within its limits.
	Reason string
	// Detail explains Reason; for ReasonCompile it is the compiler output,
	// fit to show the researcher.
	Detail string
	// Limits are the limits the run had.
	Limits Limits
}

// OK reports whether the program exited 0 within its limits.
func (r SandboxResult) OK() bool { return r.Reason == "" }
