module github.com/asi-evolve/asi/sdk

go 1.25
