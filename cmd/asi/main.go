// Command asi runs automated research campaigns declared in HCL.
package main

import (
	"os"

	"github.com/asi-evolve/asi/core/command"
)

func main() {
	os.Exit(command.Main(os.Args[1:], command.Streams{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}))
}
