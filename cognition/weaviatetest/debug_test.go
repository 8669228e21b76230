package weaviatetest

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"
)

func TestDebugStart(t *testing.T) {
	bin, _ := Binary()
	dir := t.TempDir()
	logf, _ := os.Create(dir + "/w.log")
	s := &Server{bin: bin, data: dir + "/data", logf: logf}
	done := make(chan error)
	go func() { done <- s.Restart() }()
	time.Sleep(12 * time.Second)
	s.mu.Lock()
	pid := 0
	if s.cmd != nil {
		pid = s.cmd.Process.Pid
	}
	s.mu.Unlock()
	out, err := exec.Command("nsenter", fmt.Sprintf("--net=/proc/%d/ns/net", pid), "curl", "-s", "-m", "3", "-w", "%{http_code}", "http://127.0.0.1:8080/v1/.well-known/ready").CombinedOutput()
	t.Logf("pid %d nsenter curl: %s %v", pid, out, err)
	out, _ = exec.Command("nsenter", fmt.Sprintf("--net=/proc/%d/ns/net", pid), "ss", "-ltnp").CombinedOutput()
	t.Logf("%s", out)
	t.Log(<-done)
}
