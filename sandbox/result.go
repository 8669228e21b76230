package sandbox

import "time"

// Reason says why a run did not end cleanly. The empty Reason means the
// guest exited with code 0 within its limits.
type Reason string

const (
	ReasonOK          Reason = ""
	ReasonTimeout     Reason = "timeout"       // the wall-clock limit was reached
	ReasonOutOfMemory Reason = "out_of_memory" // the guest needed more memory than its limit
	ReasonTrap        Reason = "trap"          // a WebAssembly trap (unreachable, bad memory access, ...)
	ReasonExit        Reason = "exit"          // the guest exited with a non-zero code
	ReasonOutputLimit Reason = "output_limit"  // the guest wrote more than the output limit
	// ReasonCompile means the source did not compile. Run never returns
	// it; RunProgram does when an interpreter rejects the source, and
	// callers use it to report a *CompileError as a failed run. Detail
	// holds the compiler's message.
	ReasonCompile Reason = "compile"
)

// Result is what a run produced. Everything in it comes from the guest and
// is untrusted, except Wall, Reason and the truncation flags, which the host
// measured.
type Result struct {
	// ExitCode is the guest's exit code; meaningful when Reason is ReasonOK
	// or ReasonExit.
	ExitCode uint32
	// Stdout and Stderr hold at most Config.OutputLimit bytes each.
	Stdout, Stderr []byte
	// StdoutTruncated and StderrTruncated report that the guest wrote more
	// than was kept.
	StdoutTruncated, StderrTruncated bool
	// Wall is the time from instantiation to the end of the run.
	Wall time.Duration
	// PeakMemoryPages is the largest size the guest's linear memory
	// reached, in 64KiB pages.
	PeakMemoryPages uint32
	// Reason is empty when the guest exited 0 within its limits.
	Reason Reason
	// Detail explains Reason in a sentence: the trap message, the exit code,
	// the limit that was reached. Empty when Reason is empty.
	Detail string
}

// OK reports whether the guest exited with code 0 within its limits.
func (r Result) OK() bool { return r.Reason == ReasonOK }
