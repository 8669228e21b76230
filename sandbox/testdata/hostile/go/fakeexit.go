// fakeexit exits with the code wazero itself uses when a run's deadline
// passes, hoping to pass for a timeout the host decided.
package main

import "os"

func main() {
	os.Stdout.WriteString("pretending to time out\n")
	os.Exit(0xefffffff) // sys.ExitCodeDeadlineExceeded
}
