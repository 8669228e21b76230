package sdk

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Invalid is the result of a candidate that failed the task: not valid,
// scoring nothing, with feedback telling the researcher why. artifacts may
// be nil; they are kept with the node either way.
func Invalid(feedback string, artifacts map[string][]byte) Result {
	return Result{Valid: false, Feedback: feedback, Artifacts: artifacts}
}

// FailedRun is the feedback for a sandbox run that did not end cleanly.
// what names the program for the researcher ("the program"). A run that
// did not build shows the compiler's output; any other failure shows the
// reason, its detail and the last tailBytes of stderr, where the guest's
// own error usually is. It returns "" for a run that succeeded.
func FailedRun(what string, run SandboxResult, tailBytes int) string {
	switch {
	case run.OK():
		return ""
	case run.Reason == ReasonCompile:
		return what + " does not compile:\n" + run.Detail
	}
	msg := fmt.Sprintf("%s failed (%s): %s", what, run.Reason, run.Detail)
	if tail := Tail(run.Stderr, tailBytes); tail != "" {
		msg += "\nstderr (end):\n" + tail
	}
	return msg
}

// Tail returns at most the last n bytes of b as text, without leading or
// trailing white space: the end of a log, where the error usually is,
// bounded so that feedback stays short. n <= 0 returns "". The text is
// valid UTF-8 (feedback travels as a protobuf string, which must be): a
// character the cut splits is dropped, and bytes a program wrote that
// are not UTF-8 become U+FFFD.
func Tail(b []byte, n int) string {
	n = max(n, 0)
	if len(b) > n {
		b = b[len(b)-n:]
		for len(b) > 0 && !utf8.RuneStart(b[0]) {
			b = b[1:]
		}
	}
	return strings.ToValidUTF8(strings.TrimSpace(string(b)), "\uFFFD")
}
