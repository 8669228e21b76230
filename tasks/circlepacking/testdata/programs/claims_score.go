// claims_score prints a valid 5x5 grid packing plus one small circle, and a
// "score" field far above what the packing is worth.
package main

import "fmt"

func main() {
	fmt.Print(`{"score": 1000, "centers": [`)
	for k := range 25 {
		fmt.Printf("[%g, %g], ", 0.1+0.2*float64(k%5), 0.1+0.2*float64(k/5))
	}
	fmt.Print(`[0.2, 0.2]], "radii": [`)
	for range 25 {
		fmt.Print("0.1, ")
	}
	fmt.Println(`0.04]}`)
}
