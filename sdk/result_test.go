package sdk_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/asi-evolve/asi/sdk"
)

func TestTail(t *testing.T) {
	tests := []struct {
		name string
		b    string
		n    int
		want string
	}{
		{name: "shorter than n", b: "boom\n", n: 10, want: "boom"},
		{name: "exactly n", b: "abcd", n: 4, want: "abcd"},
		{name: "cut to the last n bytes", b: "line 1\nline 2\n", n: 7, want: "line 2"},
		{name: "white space only", b: " \n\t", n: 8, want: ""},
		{name: "empty", b: "", n: 8, want: ""},
		{name: "zero", b: "abc", n: 0, want: ""},
		{name: "negative", b: "abc", n: -1, want: ""},
		{name: "cut inside a character", b: "ошибка: ноль", n: 7, want: "оль"},
		{name: "bytes that are not UTF-8", b: "bad \xff\xfe byte", n: 64, want: "bad \uFFFD byte"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sdk.Tail([]byte(tt.b), tt.n); got != tt.want {
				t.Errorf("Tail(%q, %d) = %q, want %q", tt.b, tt.n, got, tt.want)
			}
		})
	}
}

func TestFailedRun(t *testing.T) {
	tests := []struct {
		name string
		run  sdk.SandboxResult
		tail int
		want string
	}{
		{name: "ok", run: sdk.SandboxResult{Stderr: []byte("noise")}, tail: 64, want: ""},
		{
			name: "compile",
			run:  sdk.SandboxResult{Reason: sdk.ReasonCompile, Detail: "main.go:3: undefined: x", Stderr: []byte("ignored")},
			tail: 64,
			want: "the program does not compile:\nmain.go:3: undefined: x",
		},
		{
			name: "exit with stderr",
			run:  sdk.SandboxResult{Reason: sdk.ReasonExit, Detail: "exit code 2", Stderr: []byte("panic: boom\n")},
			tail: 64,
			want: "the program failed (exit): exit code 2\nstderr (end):\npanic: boom",
		},
		{
			name: "stderr cut to its tail",
			run:  sdk.SandboxResult{Reason: sdk.ReasonTrap, Detail: "wasm trap", Stderr: []byte("0123456789")},
			tail: 4,
			want: "the program failed (trap): wasm trap\nstderr (end):\n6789",
		},
		{
			name: "no stderr",
			run:  sdk.SandboxResult{Reason: sdk.ReasonTimeout, Detail: "ran past 1s", Stderr: []byte("\n")},
			tail: 64,
			want: "the program failed (timeout): ran past 1s",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, sdk.FailedRun("the program", tt.run, tt.tail)); diff != "" {
				t.Errorf("FailedRun (-want +got):\n%s", diff)
			}
		})
	}
}

func TestInvalid(t *testing.T) {
	art := map[string][]byte{"stderr": []byte("boom")}
	want := sdk.Result{Valid: false, Feedback: "rejected: too short", Artifacts: art}
	if diff := cmp.Diff(want, sdk.Invalid("rejected: too short", art)); diff != "" {
		t.Errorf("Invalid (-want +got):\n%s", diff)
	}
}

// A candidate that failed is a result, not an error: the researcher
// reads the feedback and tries again.
func ExampleInvalid() {
	res := sdk.Invalid("rejected: the packing has 25 circles, want 26", nil)
	fmt.Println(res.Valid, res.Feedback)
	// Output:
	// false rejected: the packing has 25 circles, want 26
}

// FailedRun turns a sandbox run that did not end cleanly into feedback
// with the end of the guest's stderr.
func ExampleFailedRun() {
	run := sdk.SandboxResult{
		Reason: sdk.ReasonExit, Detail: "exit code 2",
		Stderr: []byte(strings.Repeat("warming up\n", 100) + "panic: index out of range [26]\n"),
	}
	fmt.Println(sdk.FailedRun("the program", run, 32))
	// Output:
	// the program failed (exit): exit code 2
	// stderr (end):
	// panic: index out of range [26]
}

func ExampleTail() {
	log := []byte("step 1 ok\nstep 2 ok\nerror: loss is NaN\n")
	fmt.Println(sdk.Tail(log, 20))
	// Output:
	// error: loss is NaN
}
