package command

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/asi-evolve/asi/core/dashboard"
	"github.com/asi-evolve/asi/core/store"
)

type uiArgs struct {
	addr     string
	port     int
	state    string
	target   string
	token    string
	newToken bool
	json     bool
}

// defaultUIPort is the port `asi ui` listens on without -port or -addr.
const defaultUIPort = 8484

func runUI(ctx context.Context, args []string, s Streams) int {
	var a uiArgs
	fs := newFlags("ui", "[flags] [DIR|FILE]", s)
	fs.StringVar(&a.state, "state", "", "serve only this campaign directory")
	fs.IntVar(&a.port, "port", defaultUIPort, "port on 127.0.0.1 (0 picks a free one)")
	fs.StringVar(&a.addr, "addr", "", "host:port to listen on instead of 127.0.0.1:PORT; a non-loopback address exposes the campaigns")
	fs.StringVar(&a.token, "token", "", "allow changes (notes on nodes) to requests that send this bearer token; without it the dashboard is read-only")
	fs.BoolVar(&a.newToken, "new-token", false, "generate a random token, print it, and allow changes with it")
	fs.BoolVar(&a.json, "json", false, "print the address as JSON")
	pos, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(pos) > 1 {
		fs.Usage()
		return exitUsage
	}
	if len(pos) == 1 {
		a.target = pos[0]
	}
	if a.newToken {
		if a.token != "" {
			fmt.Fprintln(s.Stderr, "asi ui: -token and -new-token exclude each other")
			return exitUsage
		}
		var b [16]byte
		if _, err := rand.Read(b[:]); err != nil {
			fmt.Fprintf(s.Stderr, "Error: token: %v\n", err)
			return exitError
		}
		a.token = hex.EncodeToString(b[:])
	}
	if err := serveUI(ctx, a, s); err != nil {
		fmt.Fprintf(s.Stderr, "Error: %v\n", err)
		return exitError
	}
	return exitOK
}

// uiConfig decides what the dashboard serves: one campaign (-state, a
// campaign file, or a directory holding campaign.db) or every campaign
// under a directory (.asi by default), rescanned as campaigns appear.
func uiConfig(a uiArgs, s Streams) (dashboard.Config, error) {
	cfg := dashboard.Config{Token: a.token, Redact: dashboard.EnvSecrets(os.Environ())}
	switch {
	case a.state != "" || strings.HasSuffix(a.target, ".hcl"):
		dir, err := findCampaignDir(a.state, a.target, s.Stderr)
		if err != nil {
			return cfg, err
		}
		cfg.Dirs = []string{dir}
	case a.target != "":
		if _, err := os.Stat(filepath.Join(a.target, store.FileName)); err == nil {
			cfg.Dirs = []string{a.target}
			break
		}
		if info, err := os.Stat(a.target); err != nil || !info.IsDir() {
			return cfg, fmt.Errorf("%s is neither a campaign directory nor a directory of campaigns", a.target)
		}
		cfg.Root = a.target
	default:
		cfg.Root = stateRoot
	}
	return cfg, nil
}

func serveUI(ctx context.Context, a uiArgs, s Streams) error {
	cfg, err := uiConfig(a, s)
	if err != nil {
		return err
	}
	addr := a.addr
	if addr == "" {
		addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(a.port))
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-addr %q: %w", addr, err)
	}
	loopback := host == "localhost" || net.ParseIP(host) != nil && net.ParseIP(host).IsLoopback()
	cfg.LoopbackHosts = loopback
	srv, err := dashboard.New(cfg)
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	url := "http://" + ln.Addr().String() + "/"
	if a.json {
		json.NewEncoder(s.Stdout).Encode(map[string]any{"url": url, "writable": a.token != "", "token": printedToken(a)})
	} else {
		fmt.Fprintf(s.Stdout, "asi ui: serving %s at %s (metrics at %smetrics)\n", describeUITarget(cfg), url, url)
		if a.newToken {
			fmt.Fprintf(s.Stdout, "token for changes: %s\n", a.token)
		} else if a.token == "" {
			fmt.Fprintln(s.Stdout, "read-only (start with -token or -new-token to allow notes)")
		}
		fmt.Fprintln(s.Stdout, "Press Ctrl-C to stop.")
	}
	if !loopback {
		fmt.Fprintf(s.Stderr, "Warning: listening on %s: anyone who can reach this address can read the campaigns.\n", addr)
	}

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	// Requests derive from base, so cancelling it ends the live streams,
	// which would otherwise hold Shutdown until they time out.
	base, cancelBase := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelBase()
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context { return base }}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	cancelBase()
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

// printedToken is the token shown in -json output: only one asi made up.
func printedToken(a uiArgs) string {
	if a.newToken {
		return a.token
	}
	return ""
}

func describeUITarget(cfg dashboard.Config) string {
	if cfg.Root != "" {
		return "the campaigns under " + cfg.Root
	}
	return "campaign " + strings.Join(cfg.Dirs, ", ")
}
