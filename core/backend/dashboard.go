package backend

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/asi-evolve/asi/core/dashboard"
	"github.com/asi-evolve/asi/core/store"
)

// DashboardOptions say what the dashboard serves and where.
type DashboardOptions struct {
	// Root is scanned for campaign directories at every request, so
	// campaigns started later appear; Dirs are served besides.
	Root string
	Dirs []string
	// Token allows changes (notes on nodes) to requests that send it;
	// empty: read-only.
	Token string
	// Addr is the host:port to listen on.
	Addr string
}

// Dashboard is the web dashboard, listening: Serve it, then Close.
type Dashboard struct {
	// URL is where it is served, with a trailing slash.
	URL string
	// Loopback says whether only this machine can reach it.
	Loopback bool

	srv *dashboard.Server
	ln  net.Listener
}

// OpenDashboard starts listening on opts.Addr. Responses never hold the
// secrets of this process's environment.
func OpenDashboard(opts DashboardOptions) (*Dashboard, error) {
	host, _, err := net.SplitHostPort(opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("-addr %q: %w", opts.Addr, err)
	}
	loopback := host == "localhost" || net.ParseIP(host) != nil && net.ParseIP(host).IsLoopback()
	srv, err := dashboard.New(dashboard.Config{
		Root: opts.Root, Dirs: opts.Dirs, Token: opts.Token, Redact: dashboard.EnvSecrets(os.Environ()),
		LoopbackHosts: loopback, // against DNS rebinding
	})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		srv.Close()
		return nil, fmt.Errorf("listen: %w", err)
	}
	return &Dashboard{URL: "http://" + ln.Addr().String() + "/", Loopback: loopback, srv: srv, ln: ln}, nil
}

// Serve serves until ctx is done, then shuts down, giving requests in
// flight 5 seconds.
func (d *Dashboard) Serve(ctx context.Context) error {
	// Requests derive from base, so cancelling it ends the live streams,
	// which would otherwise hold Shutdown until they time out.
	base, cancelBase := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelBase()
	hs := &http.Server{Handler: d.srv.Handler(), ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context { return base }}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(d.ln) }()
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

// Close stops the dashboard's stores and listener.
func (d *Dashboard) Close() {
	d.ln.Close()
	d.srv.Close()
}

// HoldsCampaign says whether dir is a campaign directory (it has a store).
func HoldsCampaign(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, store.FileName))
	return err == nil
}
