// Command crashy serves plugins/internal/counttask as a task plugin: a
// plugin that can be made to die in the middle of an evaluation.
package main

import (
	"github.com/asi-evolve/asi/plugins/internal/counttask"
	"github.com/asi-evolve/asi/sdk"
)

func main() { sdk.Serve(counttask.New) }
