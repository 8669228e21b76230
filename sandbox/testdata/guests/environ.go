// environ prints its arguments and environment.
package main

import (
	"fmt"
	"os"
	"sort"
)

func main() {
	env := os.Environ()
	sort.Strings(env)
	fmt.Printf("args=%q env=%q\n", os.Args, env)
}
