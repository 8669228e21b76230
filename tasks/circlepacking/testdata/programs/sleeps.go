// sleeps spins past any reasonable time limit.
package main

func main() {
	for n := 0; ; n++ {
	}
}
