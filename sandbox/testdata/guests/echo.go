// echo prints its first argument and the bytes of stdin.
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	in, _ := io.ReadAll(os.Stdin)
	fmt.Printf("%s:%s", os.Args[1], in)
}
