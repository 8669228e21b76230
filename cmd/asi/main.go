// Command asi runs automated research campaigns declared in HCL.
package main

import (
	"os"

	"github.com/asi-evolve/asi/core/command"
	"github.com/asi-evolve/asi/sandbox"
)

func main() {
	sandbox.MaybeWorker() // a sandbox worker runs one guest and exits here
	os.Exit(command.Main(os.Args[1:], command.Streams{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}))
}
