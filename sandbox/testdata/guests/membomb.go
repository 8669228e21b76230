// membomb allocates until memory runs out.
package main

import "fmt"

func main() {
	var keep [][]byte
	for i := 0; ; i++ {
		b := make([]byte, 1<<20)
		b[0] = byte(i)
		keep = append(keep, b)
		if i%64 == 0 {
			fmt.Println("allocated MiB:", i)
		}
	}
}
