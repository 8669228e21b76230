// bigalloc asks for one slice larger than the whole address space allows.
package main

import "fmt"

func main() {
	b := make([]byte, 3<<30)
	b[len(b)-1] = 1
	fmt.Println(len(b))
}
