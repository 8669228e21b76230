// matmul multiplies two 200x200 matrices reps times (reps is its argument)
// and prints a checksum and the nanoseconds one multiply took. The same
// file runs natively and in the sandbox, so the two times compare the
// same code.
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

const n = 200

func matmul(a, b, c []float64) {
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			c[i*n+j] = 0
		}
		for k := 0; k < n; k++ {
			aik := a[i*n+k]
			row := b[k*n : k*n+n]
			out := c[i*n : i*n+n]
			for j := range row {
				out[j] += aik * row[j]
			}
		}
	}
}

func main() {
	reps := 1
	if len(os.Args) > 1 {
		reps, _ = strconv.Atoi(os.Args[1])
	}
	a, b, c := make([]float64, n*n), make([]float64, n*n), make([]float64, n*n)
	for i := range a {
		a[i] = float64(i%7) - 3
		b[i] = float64(i%5) * 0.5
	}
	start := time.Now()
	for range reps {
		matmul(a, b, c)
	}
	elapsed := time.Since(start)
	sum := 0.0
	for _, v := range c {
		sum += v
	}
	fmt.Printf("checksum=%.1f ns_per_multiply=%d\n", sum, elapsed.Nanoseconds()/int64(reps))
}
