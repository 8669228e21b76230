// stderrflood writes to stderr without end, in small writes.
package main

import "os"

func main() {
	line := []byte("stderr flood stderr flood stderr flood\n")
	for {
		os.Stderr.Write(line)
	}
}
