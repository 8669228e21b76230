// flood prints without end.
package main

import (
	"bufio"
	"os"
)

func main() {
	w := bufio.NewWriter(os.Stdout)
	for {
		w.WriteString("flood flood flood flood flood flood flood flood\n")
	}
}
