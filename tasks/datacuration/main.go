package main

import "github.com/asi-evolve/asi/sdk"

//go:generate go run ./internal/gencorpus corpus.jsonl

func main() { sdk.Serve(newTask) }

func newTask() sdk.Task { return &Task{} }
