// panics exits through a Go panic (exit code 2).
package main

func main() {
	var m map[string]int
	m["x"] = 1
}
