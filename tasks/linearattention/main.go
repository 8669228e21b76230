package main

import "github.com/asi-evolve/asi/sdk"

func main() { sdk.Serve(func() sdk.Task { return &Task{} }) }
