package main

import "github.com/asi-evolve/asi/sdk"

func main() { sdk.Serve(newTask) }

func newTask() sdk.Task { return &Task{} }
