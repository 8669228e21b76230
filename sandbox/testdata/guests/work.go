// work computes for about 10ms natively and prints the result; SEED is
// replaced by benchmarks to make each source distinct.
package main

import (
	"fmt"
	"math"
)

const seed = 0 // SEED

func main() {
	sum := 0.0
	for i := 0; i < 2_000_000; i++ {
		sum += math.Sqrt(float64(i + seed))
	}
	fmt.Printf("%.3f\n", sum)
}
