//go:build !unix

package sandbox

import (
	"os/exec"
	"time"
)

func killProcessGroup(cmd *exec.Cmd) {
	cmd.WaitDelay = 5 * time.Second
}
