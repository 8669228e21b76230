// Command javascript is the sandbox's JavaScript interpreter: goja built for
// GOOS=wasip1 GOARCH=wasm, run as a guest like any other.
//
// Usage: javascript FILE [ARG...]. FILE is read from the guest's file system
// (the sandbox mounts the candidate's files read-only). The script sees
// console.log/info/debug (stdout), console.warn/error (stderr), print
// (stdout), readStdin() (all of stdin as a string), readFile(path) (a file
// of a mounted directory, as a string), args (the ARGs) and exit(code).
//
// Exit codes: the script's exit(code); 0 when it ends; 1 for an uncaught
// exception, printed with its stack on stderr; 3 when FILE does not parse,
// with the syntax error on stderr (the sandbox reports it as a compile
// error); 4 when FILE cannot be read.
//
// The source is embedded in package sandbox and built by it; keep it to one
// file with no imports outside the standard library and goja.
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/dop251/goja"
)

const (
	exitException = 1
	exitSyntax    = 3
	exitNoFile    = 4

	maxCallStack  = 10000
	maxTraceLines = 20
)

// exitRequest unwinds the script when it calls exit(code).
type exitRequest struct{ code int }

func main() {
	os.Exit(run())
}

func run() int {
	stdout := bufio.NewWriterSize(os.Stdout, 32<<10)
	stderr := bufio.NewWriterSize(os.Stderr, 4<<10)
	defer stdout.Flush()
	defer stderr.Flush()

	if len(os.Args) < 2 {
		fmt.Fprintln(stderr, "usage: javascript FILE [ARG...]")
		return exitNoFile
	}
	file := os.Args[1]
	src, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(stderr, "javascript: %v\n", err)
		return exitNoFile
	}
	prog, err := goja.Compile(file, string(src), false)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitSyntax
	}

	vm := goja.New()
	// Deep recursion ends as a RangeError, as in browsers, rather than
	// growing the interpreter's stack until the memory limit.
	vm.SetMaxCallStackSize(maxCallStack)
	vm.SetFieldNameMapper(goja.UncapFieldNameMapper())
	printTo := func(w *bufio.Writer) func(goja.FunctionCall) goja.Value {
		return func(call goja.FunctionCall) goja.Value {
			parts := make([]string, len(call.Arguments))
			for i, a := range call.Arguments {
				parts[i] = a.String()
			}
			w.WriteString(strings.Join(parts, " "))
			w.WriteByte('\n')
			if w == stderr {
				stdout.Flush()
				stderr.Flush()
			}
			return goja.Undefined()
		}
	}
	console := vm.NewObject()
	for name, w := range map[string]*bufio.Writer{
		"log": stdout, "info": stdout, "debug": stdout, "warn": stderr, "error": stderr,
	} {
		must(console.Set(name, printTo(w)))
	}
	must(vm.Set("console", console))
	must(vm.Set("print", printTo(stdout)))
	must(vm.Set("args", os.Args[2:]))
	must(vm.Set("readStdin", func() string {
		b, _ := io.ReadAll(os.Stdin)
		return string(b)
	}))
	must(vm.Set("exit", func(code int) { panic(exitRequest{code}) }))
	must(vm.Set("readFile", func(name string) string {
		b, err := os.ReadFile(name)
		if err != nil {
			panic(vm.NewGoError(err))
		}
		return string(b)
	}))

	code := 0
	func() {
		defer func() {
			if r := recover(); r != nil {
				req, ok := r.(exitRequest)
				if !ok {
					panic(r)
				}
				code = req.code
			}
		}()
		_, err = vm.RunProgram(prog)
	}()
	if err != nil {
		var exc *goja.Exception
		if errors.As(err, &exc) {
			if req, ok := exc.Value().Export().(exitRequest); ok {
				return req.code
			}
			stdout.Flush()
			fmt.Fprintln(stderr, "Uncaught", shortTrace(exc.String()))
			return exitException
		}
		fmt.Fprintln(stderr, err)
		return exitException
	}
	return code
}

// shortTrace keeps the message and the innermost frames of a stack trace:
// a runaway recursion would print thousands of identical lines.
func shortTrace(s string) string {
	lines := strings.Split(s, "\n")
	if len(lines) <= maxTraceLines {
		return s
	}
	return strings.Join(lines[:maxTraceLines], "\n") + fmt.Sprintf("\n\t... %d more frames", len(lines)-maxTraceLines)
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}
