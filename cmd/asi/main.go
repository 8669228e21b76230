// Command asi runs automated research campaigns declared in HCL.
package main

import (
	"fmt"
	"os"
	"runtime/pprof"

	"github.com/asi-evolve/asi/core/command"
	"github.com/asi-evolve/asi/sandbox"
)

func main() {
	sandbox.MaybeWorker() // a sandbox worker runs one guest and exits here
	os.Exit(run())
}

func run() int {
	// ASI_CPUPROFILE names a file for a CPU profile of the whole command,
	// for the end-to-end benchmarks; it is not a user-facing option.
	if path := os.Getenv("ASI_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "asi: ASI_CPUPROFILE:", err)
			return 1
		}
		defer func() {
			pprof.StopCPUProfile()
			f.Close()
		}()
	}
	return command.Main(os.Args[1:], command.Streams{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr})
}
