//go:build unix

package sandbox

import (
	"os/exec"
	"syscall"
	"time"
)

// killProcessGroup makes cancelling cmd kill the compiler and linker that go
// build started, not only the go command.
func killProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	cmd.WaitDelay = 5 * time.Second
}
