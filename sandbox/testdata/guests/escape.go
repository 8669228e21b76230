// escape tries to reach the host: files, environment, arguments.
package main

import (
	"fmt"
	"os"
)

func main() {
	for _, path := range []string{"/etc/passwd", "../../etc/passwd", "etc/passwd"} {
		b, err := os.ReadFile(path)
		if err != nil {
			fmt.Println("read", path, "error:", err)
			continue
		}
		fmt.Printf("read %s: %s\n", path, b)
	}
	if entries, err := os.ReadDir("/"); err != nil {
		fmt.Println("readdir / error:", err)
	} else {
		fmt.Println("readdir / entries:", len(entries))
	}
	fmt.Printf("environ: %q\n", os.Environ())
	fmt.Printf("args: %q\n", os.Args)
	if err := os.WriteFile("/tmp/asi-sandbox-escape", []byte("x"), 0o644); err != nil {
		fmt.Println("write error:", err)
	} else {
		fmt.Println("write succeeded")
	}
}
