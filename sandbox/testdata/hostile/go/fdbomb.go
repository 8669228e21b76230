// fdbomb opens a mounted file again and again without closing it, to grow
// the host's file table.
package main

import (
	"fmt"
	"os"
)

func main() {
	var keep []*os.File
	for i := 0; ; i++ {
		f, err := os.Open("/data/input.txt")
		if err != nil {
			fmt.Printf("open failed after %d files: %v\n", i, err)
			os.Exit(3)
		}
		keep = append(keep, f)
	}
}
