package command

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/asi-evolve/asi/core/backend"
	"github.com/asi-evolve/asi/core/views"
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
			views.View{W: s.Stderr}.Problem("ui", errors.New("-token and -new-token exclude each other"))
			return exitUsage
		}
		var b [16]byte
		if _, err := rand.Read(b[:]); err != nil {
			views.View{W: s.Stderr}.Error(fmt.Errorf("token: %w", err))
			return exitError
		}
		a.token = hex.EncodeToString(b[:])
	}
	if err := serveUI(ctx, a, s); err != nil {
		views.View{W: s.Stderr}.Error(err)
		return exitError
	}
	return exitOK
}

// uiTarget decides what the dashboard serves: one campaign (-state, a
// campaign file, or a directory holding campaign.db) or every campaign
// under a directory (.asi by default), rescanned as campaigns appear.
func uiTarget(a uiArgs, s Streams) (backend.DashboardOptions, error) {
	var opts backend.DashboardOptions
	switch {
	case a.state != "" || strings.HasSuffix(a.target, ".hcl"):
		dir, err := findCampaignDir(a.state, a.target, s.Stderr)
		if err != nil {
			return opts, err
		}
		opts.Dirs = []string{dir}
	case a.target != "":
		if backend.HoldsCampaign(a.target) {
			opts.Dirs = []string{a.target}
			break
		}
		if info, err := os.Stat(a.target); err != nil || !info.IsDir() {
			return opts, fmt.Errorf("%s is neither a campaign directory nor a directory of campaigns", a.target)
		}
		opts.Root = a.target
	default:
		opts.Root = stateRoot
	}
	return opts, nil
}

// serveUI serves the dashboard until an interrupt.
func serveUI(ctx context.Context, a uiArgs, s Streams) error {
	opts, err := uiTarget(a, s)
	if err != nil {
		return err
	}
	opts.Token, opts.Addr = a.token, a.addr
	if opts.Addr == "" {
		opts.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(a.port))
	}
	d, err := backend.OpenDashboard(opts)
	if err != nil {
		return err
	}
	defer d.Close()
	// A failed write of the address is not worth stopping the server for.
	_ = (views.View{W: s.Stdout, JSON: a.json}).UIServing(views.UIServing{
		URL: d.URL, Root: opts.Root, Dirs: opts.Dirs, Token: a.token, NewToken: a.newToken,
	})
	if !d.Loopback {
		(views.View{W: s.Stderr}).UIExposed(opts.Addr)
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	return d.Serve(ctx)
}
