// symlink follows a link planted in a mounted directory that points out of it.
package main

import (
	"fmt"
	"os"
)

func main() {
	for _, p := range []string{"/data/link-to-passwd", "/data/link-to-root/etc/passwd"} {
		if b, err := os.ReadFile(p); err == nil {
			fmt.Printf("ESCAPED: read %s: %s\n", p, b)
		}
	}
}
