// flood writes to stdout without end.
package main

import (
	"bufio"
	"os"
)

func main() {
	w := bufio.NewWriter(os.Stdout)
	line := []byte("flooding the output with this line again and again\n")
	for {
		w.Write(line)
	}
}
