// passwd tries to read host files by absolute and relative paths.
package main

import (
	"fmt"
	"os"
)

func main() {
	for _, p := range []string{"/etc/passwd", "../../../../etc/passwd", "/data/../../etc/passwd", "/data/../data/../../etc/passwd", "/proc/self/environ"} {
		if b, err := os.ReadFile(p); err == nil {
			fmt.Printf("ESCAPED: read %s: %s\n", p, b)
		}
	}
	if entries, err := os.ReadDir("/"); err == nil {
		for _, e := range entries {
			fmt.Println("ESCAPED: listed /:", e.Name())
		}
	}
	if entries, err := os.ReadDir("/data/.."); err == nil {
		for _, e := range entries {
			if e.Name() != "data" {
				fmt.Println("ESCAPED: listed /data/..:", e.Name())
			}
		}
	}
}
