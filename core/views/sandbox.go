package views

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/asi-evolve/asi/sandbox"
)

// The files of `asi sandbox job`, as plugins names them (views does not
// import plugins; core/command's TestSandboxJobHelp keeps them in step).
const (
	sandboxJobRequest = "asi-sandbox-request.json"
	sandboxJobResult  = "asi-sandbox-result.json"
)

// sandboxUsage lists the sub-verbs of `asi sandbox`; job is internal.
const sandboxUsage = "Usage: asi sandbox run [flags] FILE [-- ARGS...]\n       asi sandbox prepare [LANGUAGE...]\n"

// SandboxUsage writes the usage of `asi sandbox`; with help set, also what
// each sub-verb is for.
func (v View) SandboxUsage(help bool) error {
	if !help {
		_, err := io.WriteString(v.W, sandboxUsage)
		return err
	}
	_, err := fmt.Fprintf(v.W, "%s\nrun runs one program the way a campaign would ('asi sandbox run -h' lists the flags);\n"+
		"prepare builds the interpreters a language needs into the cache (default: javascript),\n"+
		"so that the first candidate does not wait for them.\n\n"+
		"asi sandbox job DIR is not for people: it is what a campaign with sandbox { executor = \"slurm\" }\n"+
		"runs on a node, the same asi binary at the same path. It reads %s from DIR,\n"+
		"runs the program with the cache the request names (-cache overrides it) and writes %s there.\n",
		sandboxUsage, sandboxJobRequest, sandboxJobResult)
	return err
}

// ProgressLines returns a sandbox progress callback (sandbox.Options.Progress)
// that writes each line to w. It is safe for concurrent use: runtimes report
// from several goroutines.
func ProgressLines(w io.Writer) func(string) {
	var mu sync.Mutex
	return func(line string) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintln(w, line)
	}
}

// SandboxReady writes that a language's toolchain is built into cache and
// ran a one-line program, took after the start.
func (v View) SandboxReady(language string, took time.Duration, cache string) error {
	_, err := fmt.Fprintf(v.W, "sandbox: %s ready (%s) in %s\n", language, took.Round(time.Millisecond), cache)
	return err
}

// SandboxRun is the result of `asi sandbox run`.
type SandboxRun struct {
	File     string
	Language string
	Result   sandbox.Result
	// Prepare is the time spent building or loading the program.
	Prepare time.Duration
}

// SandboxRun writes a sandbox run. As text, the guest's stdout goes to v.W
// and its stderr to stderr, followed by a summary there, so that the
// program's own output can be piped; as JSON, one object goes to v.W.
func (v View) SandboxRun(r SandboxRun, stderr io.Writer) error {
	if v.JSON {
		return v.json(sandboxRunJSON(r))
	}
	res := r.Result
	v.W.Write(res.Stdout)
	stderr.Write(res.Stderr)
	reason := string(res.Reason)
	if res.OK() {
		reason = "ok"
	}
	fmt.Fprintf(stderr, "\n--- %s (%s): %s", r.File, r.Language, reason)
	if res.Detail != "" {
		fmt.Fprintf(stderr, ": %s", res.Detail)
	}
	if res.Reason == sandbox.ReasonCompile {
		_, err := fmt.Fprintln(stderr)
		return err
	}
	fmt.Fprintf(stderr, "\nexit %d, wall %v, prepare %v, peak memory %s",
		res.ExitCode, res.Wall.Round(time.Microsecond), r.Prepare.Round(time.Microsecond), memoryText(uint64(res.PeakMemoryPages)*64<<10))
	if res.StdoutTruncated || res.StderrTruncated {
		fmt.Fprintf(stderr, ", output truncated (stdout %v, stderr %v)", res.StdoutTruncated, res.StderrTruncated)
	}
	_, err := fmt.Fprintln(stderr)
	return err
}

// sandboxRunOutput is the JSON form of a SandboxRun; times are in
// milliseconds with microsecond precision.
type sandboxRunOutput struct {
	File            string  `json:"file"`
	Language        string  `json:"language"`
	OK              bool    `json:"ok"`
	Reason          string  `json:"reason,omitempty"`
	Detail          string  `json:"detail,omitempty"`
	ExitCode        uint32  `json:"exit_code"`
	Stdout          string  `json:"stdout"`
	Stderr          string  `json:"stderr"`
	StdoutTruncated bool    `json:"stdout_truncated,omitempty"`
	StderrTruncated bool    `json:"stderr_truncated,omitempty"`
	WallMS          float64 `json:"wall_ms"`
	PrepareMS       float64 `json:"prepare_ms"`
	PeakMemoryPages uint32  `json:"peak_memory_pages"`
}

func sandboxRunJSON(r SandboxRun) sandboxRunOutput {
	res := r.Result
	return sandboxRunOutput{
		File: r.File, Language: r.Language, OK: res.OK(), Reason: string(res.Reason), Detail: res.Detail,
		ExitCode: res.ExitCode, Stdout: string(res.Stdout), Stderr: string(res.Stderr),
		StdoutTruncated: res.StdoutTruncated, StderrTruncated: res.StderrTruncated,
		WallMS:    float64(res.Wall.Microseconds()) / 1000,
		PrepareMS: float64(r.Prepare.Microseconds()) / 1000, PeakMemoryPages: res.PeakMemoryPages,
	}
}

// memoryText shows a peak memory to one decimal in MiB, or in whole KiB
// below one MiB.
func memoryText(n uint64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1fMiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%dKiB", n>>10)
}
