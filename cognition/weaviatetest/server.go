// Package weaviatetest starts a real Weaviate server for tests and
// benchmarks, in a network namespace of its own.
//
// Weaviate binds its gRPC, gossip and profiling ports on every interface,
// whatever --host says, so the server never runs in the machine's network
// namespace: a sleeping process started with `unshare -n` holds a namespace
// with only a loopback device, the server is started inside it with
// `nsenter`, and the test process reaches it through an http.Client whose
// dialer opens each socket inside that namespace (setns(2) on a locked
// thread that then exits). The namespace outlives the server, so Restart
// brings it back at the same address with the same data. That needs root
// (or CAP_SYS_ADMIN); without it, or without the binary, tests are skipped
// with the reason.
package weaviatetest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/asi-evolve/asi/internal/testenv"
)

// Version is the server version the installer builds.
const Version = "v1.35.2"

// Installer is the script that builds and caches the server.
const Installer = "scripts/ci/install-weaviate.sh"

// Binary returns the server binary: $ASI_WEAVIATE_BIN, or where the
// installer caches it. ok is false when neither exists.
func Binary() (string, bool) {
	if p := os.Getenv("ASI_WEAVIATE_BIN"); p != "" {
		_, err := os.Stat(p)
		return p, err == nil
	}
	dir := os.Getenv("ASI_WEAVIATE_CACHE")
	if dir == "" {
		cache := os.Getenv("XDG_CACHE_HOME")
		if cache == "" {
			home, err := os.UserHomeDir()
			if err != nil {
				return "", false
			}
			cache = filepath.Join(home, ".cache")
		}
		dir = filepath.Join(cache, "asi", "weaviate", Version)
	}
	p := filepath.Join(dir, "weaviate-server")
	_, err := os.Stat(p)
	return p, err == nil
}

// Server is a running Weaviate.
type Server struct {
	bin  string
	data string
	logf *os.File

	// holder keeps the network namespace alive across restarts of the
	// server; ns is that namespace, where every connection is opened.
	holder *exec.Cmd
	ns     *os.File

	mu  sync.Mutex
	cmd *exec.Cmd // the running server, nil while stopped
}

// openNamespace starts the process that holds the namespace, with its
// loopback up.
func (s *Server) openNamespace() error {
	holder := exec.Command("unshare", "-n", "--", "sh", "-c", `ip link set lo up || exit 97; exec sleep 1000000`)
	if err := holder.Start(); err != nil {
		return err
	}
	self, _ := os.Readlink("/proc/self/ns/net")
	path := fmt.Sprintf("/proc/%d/ns/net", holder.Process.Pid)
	for range 500 {
		// The shell brings lo up before it execs sleep.
		theirs, err := os.Readlink(path)
		comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", holder.Process.Pid))
		if err == nil && theirs != self && strings.TrimSpace(string(comm)) == "sleep" {
			ns, err := os.Open(path)
			if err != nil {
				holder.Process.Kill()
				holder.Wait()
				return err
			}
			s.holder, s.ns = holder, ns
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	holder.Process.Kill()
	holder.Wait()
	return errNoNamespace
}

// URL is the server's REST address (valid only through HTTPClient).
const URL = "http://127.0.0.1:8080"

// Start starts a server with an empty data directory and stops it when the
// test ends. It skips the test when the server cannot be had.
func Start(tb testing.TB) *Server {
	tb.Helper()
	bin, ok := Binary()
	if !ok {
		testenv.Skipf(tb, "weaviate-server %s not found: run %s (or set ASI_WEAVIATE_BIN)", Version, Installer)
	}
	if _, err := exec.LookPath("unshare"); err != nil {
		testenv.Skipf(tb, "unshare not found (util-linux): run %s", Installer)
	}
	if _, err := exec.LookPath("ip"); err != nil {
		testenv.Skipf(tb, "ip not found (iproute2): run %s", Installer)
	}
	dir := tb.TempDir()
	logf, err := os.Create(filepath.Join(dir, "weaviate.log"))
	if err != nil {
		tb.Fatal(err)
	}
	s := &Server{bin: bin, data: filepath.Join(dir, "data"), logf: logf}
	if err := s.openNamespace(); err != nil {
		testenv.Skipf(tb, "cannot make a network namespace for weaviate (needs root): %v", err)
	}
	if err := s.Restart(); err != nil {
		if os.IsPermission(err) || err == errNoNamespace {
			testenv.Skipf(tb, "cannot run weaviate in a network namespace (needs root): %v", err)
		}
		tb.Fatalf("start weaviate: %v\n%s", err, s.Log())
	}
	tb.Cleanup(func() {
		s.Stop()
		s.holder.Process.Kill()
		s.holder.Wait()
		s.ns.Close()
		logf.Close()
	})
	return s
}

var errNoNamespace = fmt.Errorf("unshare -n failed")

// Restart starts the server (again) on the same data directory and waits
// until it is ready.
func (s *Server) Restart() error {
	s.mu.Lock()
	running := s.cmd
	s.mu.Unlock()
	if running != nil {
		return fmt.Errorf("weaviate already running (pid %d)", running.Process.Pid)
	}
	if err := os.MkdirAll(s.data, 0o755); err != nil {
		return err
	}
	// nsenter execs the server: one PID, which Stop signals.
	cmd := exec.Command("nsenter", fmt.Sprintf("--net=/proc/%d/ns/net", s.holder.Process.Pid), "--",
		s.bin, "--host", "127.0.0.1", "--port", "8080", "--scheme", "http")
	cmd.Env = append(os.Environ(),
		"AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED=true",
		"PERSISTENCE_DATA_PATH="+s.data,
		"DEFAULT_VECTORIZER_MODULE=none",
		"ENABLE_MODULES=",
		"DISABLE_TELEMETRY=true",
		"CLUSTER_HOSTNAME=node1",
		"CLUSTER_BIND_ADDR=127.0.0.1",
		"CLUSTER_ADVERTISE_ADDR=127.0.0.1",
		"RAFT_TIMEOUTS_MULTIPLIER=1",
		"RAFT_BOOTSTRAP_EXPECT=1",
		"RAFT_JOIN=node1",
		"API_BASED_MODULES_DISABLED=true",
		"GO_PROFILING_DISABLE=true",
	)
	cmd.Stdout, cmd.Stderr = s.logf, s.logf
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(90 * time.Second)
	s.mu.Lock()
	s.cmd = cmd
	s.mu.Unlock()
	// Forget the server again if it never becomes ready.
	fail := func() {
		cmd.Process.Kill()
		s.mu.Lock()
		s.cmd = nil
		s.mu.Unlock()
	}
	client := s.HTTPClient()
	var lastErr error
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			fail()
			return fmt.Errorf("weaviate exited: %v", err)
		default:
		}
		resp, err := client.Get(URL + "/v1/.well-known/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				go s.reap(cmd, exited)
				return nil
			}
		} else if lastErr = err; os.IsPermission(err) || errors.Is(err, syscall.EPERM) {
			fail()
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
	fail()
	return fmt.Errorf("weaviate not ready after 90 s: %v", lastErr)
}

func (s *Server) reap(cmd *exec.Cmd, exited chan error) {
	<-exited
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == cmd {
		s.cmd = nil
	}
}

// Stop stops the server by its PID (SIGTERM, then SIGKILL after 20 s).
// The data directory stays for Restart.
func (s *Server) Stop() {
	s.mu.Lock()
	cmd := s.cmd
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	cmd.Process.Signal(syscall.SIGTERM)
	for range 200 {
		s.mu.Lock()
		gone := s.cmd != cmd
		s.mu.Unlock()
		if gone {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	cmd.Process.Kill()
	s.mu.Lock()
	if s.cmd == cmd {
		s.cmd = nil
	}
	s.mu.Unlock()
}

// Log returns what the server printed.
func (s *Server) Log() string {
	b, _ := os.ReadFile(s.logf.Name())
	return string(b)
}

// HTTPClient returns a client whose connections are opened inside the
// server's current namespace; it keeps working across Restart. While the
// server is stopped it fails like a refused connection.
func (s *Server) HTTPClient() *http.Client {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.httpClientLocked()
}

func (s *Server) httpClientLocked() *http.Client {
	return &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			DialContext:       s.dial,
			DisableKeepAlives: true, // a restart must not leave stale connections
		},
	}
}

func (s *Server) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	s.mu.Lock()
	running := s.cmd != nil
	s.mu.Unlock()
	if !running {
		return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
	}
	fd := int(s.ns.Fd())
	type result struct {
		c   net.Conn
		err error
	}
	ch := make(chan result, 1)
	go func() {
		// The thread stays locked and ends with the goroutine, so it never
		// runs other goroutines in the server's namespace.
		runtime.LockOSThread()
		if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
			ch <- result{err: fmt.Errorf("enter weaviate's network namespace: %w", err)}
			return
		}
		var d net.Dialer
		c, err := d.DialContext(ctx, network, addr)
		ch <- result{c, err}
	}()
	r := <-ch
	return r.c, r.err
}
