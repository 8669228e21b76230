// hello shows what a guest is given: arguments, stdin, environment, a
// mounted file.
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	in, _ := io.ReadAll(os.Stdin)
	data, err := os.ReadFile("/data/input.txt")
	if err != nil {
		data = []byte(err.Error())
	}
	fmt.Printf("args=%q stdin=%q env=%q data=%q\n", os.Args[1:], in, os.Getenv("GREETING"), data)
}
