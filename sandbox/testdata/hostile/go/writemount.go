// writemount tries to change a read-only mount.
package main

import (
	"fmt"
	"os"
)

func main() {
	if err := os.WriteFile("/data/new.txt", []byte("x"), 0o644); err == nil {
		fmt.Println("ESCAPED: created /data/new.txt")
	}
	if f, err := os.OpenFile("/data/input.txt", os.O_WRONLY|os.O_APPEND, 0); err == nil {
		if _, err := f.Write([]byte("changed")); err == nil {
			fmt.Println("ESCAPED: appended to /data/input.txt")
		}
		f.Close()
	}
	if err := os.Truncate("/data/input.txt", 0); err == nil {
		fmt.Println("ESCAPED: truncated /data/input.txt")
	}
	if err := os.Remove("/data/input.txt"); err == nil {
		fmt.Println("ESCAPED: removed /data/input.txt")
	}
	if err := os.Rename("/data/input.txt", "/data/moved.txt"); err == nil {
		fmt.Println("ESCAPED: renamed /data/input.txt")
	}
	if err := os.Mkdir("/data/dir", 0o755); err == nil {
		fmt.Println("ESCAPED: made /data/dir")
	}
	os.Chmod("/data/input.txt", 0o777) // WASI has no chmod; the test checks the mode
}
