// Command gencorpus writes the data-curation task's shipped corpus,
// corpus.Generate(corpus.ShippedSeed).Docs, as JSON lines (one
// {"kind", "text"} object per line) to the file named by its argument. It
// runs from go:generate in the task's directory.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"

	"github.com/asi-evolve/asi/tasks/datacuration/corpus"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gencorpus FILE")
		os.Exit(2)
	}
	if err := write(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
}

func write(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, d := range corpus.Generate(corpus.ShippedSeed).Docs {
		if err := enc.Encode(d); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}
