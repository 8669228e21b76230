// clockrand prints what the clock and the random source gave it.
package main

import (
	"crypto/rand"
	"fmt"
	"time"
)

func main() {
	b := make([]byte, 8)
	rand.Read(b)
	now := time.Now()
	fmt.Printf("year=%d nanos=%d rand=%x\n", now.Year(), now.UnixNano(), b)
}
