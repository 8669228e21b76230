package dashboard

import (
	"context"
	"crypto/subtle"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/asi-evolve/asi/core/metrics"
	"github.com/asi-evolve/asi/core/store"
)

//go:embed assets
var assets embed.FS

// Config says what a Server serves.
type Config struct {
	// Root is scanned at every request for campaign directories (its
	// subdirectories holding a campaign.db), so campaigns started later
	// appear. Empty: no scanning.
	Root string
	// Dirs are campaign directories served besides those under Root.
	Dirs []string
	// Token, when set, allows the mutating endpoints to requests that send
	// it as "Authorization: Bearer TOKEN". Empty: the server is read-only.
	Token string
	// Redact lists secrets no response may contain (see EnvSecrets).
	Redact []string
	// Poll is how often a live view checks its store; default 1s.
	Poll time.Duration
	// LoopbackHosts refuses requests whose Host header is not a loopback
	// name or address, so a page from another site cannot reach the
	// server through DNS rebinding. Set it when listening on loopback.
	LoopbackHosts bool
}

// Server is the dashboard. It is safe for concurrent use.
type Server struct {
	cfg     Config
	red     redactor
	handler http.Handler

	mu     sync.Mutex
	stores map[string]*store.Store // by directory
}

// New returns a server for cfg. Close it to close the stores it opened.
func New(cfg Config) (*Server, error) {
	if cfg.Root == "" && len(cfg.Dirs) == 0 {
		return nil, ErrNoCampaign
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	s := &Server{cfg: cfg, red: newRedactor(cfg.Redact), stores: map[string]*store.Store{}}
	static, err := fs.Sub(assets, "assets")
	if err != nil {
		return nil, err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(metrics.NewCollector(s.sources))

	mux := http.NewServeMux()
	index := func(w http.ResponseWriter, r *http.Request) {
		http.ServeFileFS(w, r, static, "index.html")
	}
	mux.HandleFunc("GET /{$}", index)
	mux.HandleFunc("GET /c/", index)
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /api/info", s.info)
	mux.HandleFunc("GET /api/campaigns", s.listCampaigns)
	mux.HandleFunc("GET /api/campaigns/{name}", s.campaign)
	mux.HandleFunc("GET /api/campaigns/{name}/stream", s.stream)
	mux.HandleFunc("GET /api/campaigns/{name}/nodes/{id}", s.node)
	mux.HandleFunc("GET /api/campaigns/{name}/cognition", s.cognition)
	mux.HandleFunc("GET /api/campaigns/{name}/front", s.front)
	mux.HandleFunc("GET /api/campaigns/{name}/findings", s.findings)
	mux.HandleFunc("POST /api/campaigns/{name}/nodes/{id}/notes", s.requireToken(s.addNote))
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	s.handler = s.guard(mux)
	return s, nil
}

// Handler returns the HTTP handler of the dashboard.
func (s *Server) Handler() http.Handler { return s.handler }

// Close closes the stores the server opened.
func (s *Server) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for dir, st := range s.stores {
		errs = append(errs, st.Close())
		delete(s.stores, dir)
	}
	return errors.Join(errs...)
}

// guard adds the headers every response carries and checks the Host.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.LoopbackHosts && !loopbackHost(r.Host) {
			http.Error(w, "this dashboard answers only to loopback host names", http.StatusMisdirectedRequest)
			return
		}
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// requireToken lets a request through only with the server's token.
func (s *Server) requireToken(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.Token == "" {
			s.fail(w, http.StatusForbidden, errors.New("read-only dashboard: start `asi ui` with -token to allow changes"))
			return
		}
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(s.cfg.Token)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="asi"`)
			s.fail(w, http.StatusUnauthorized, errors.New("missing or wrong token"))
			return
		}
		next(w, r)
	}
}

// campaignRef is one campaign the server serves.
type campaignRef struct {
	Name string
	Dir  string
}

// campaignRefs lists the campaigns, named after their directories; a name
// seen twice gets a numeric suffix.
func (s *Server) campaignRefs() []campaignRef {
	dirs := append([]string(nil), s.cfg.Dirs...)
	if s.cfg.Root != "" {
		entries, _ := os.ReadDir(s.cfg.Root)
		for _, e := range entries {
			dir := filepath.Join(s.cfg.Root, e.Name())
			if _, err := os.Stat(filepath.Join(dir, store.FileName)); e.IsDir() && err == nil {
				dirs = append(dirs, dir)
			}
		}
	}
	seenDir := map[string]bool{}
	seenName := map[string]int{}
	var refs []campaignRef
	for _, dir := range dirs {
		abs, err := filepath.Abs(dir)
		if err != nil || seenDir[abs] {
			continue
		}
		seenDir[abs] = true
		name := filepath.Base(abs)
		seenName[name]++
		if k := seenName[name]; k > 1 {
			name = fmt.Sprintf("%s-%d", name, k)
		}
		refs = append(refs, campaignRef{Name: name, Dir: dir})
	}
	sort.Slice(refs, func(i, j int) bool { return refs[i].Name < refs[j].Name })
	return refs
}

func (s *Server) sources() []metrics.Source {
	var out []metrics.Source
	for _, ref := range s.campaignRefs() {
		out = append(out, metrics.Source{Name: ref.Name, Store: func(ctx context.Context) (*store.Store, error) {
			return s.openDir(ctx, ref.Dir)
		}})
	}
	return out
}

// open returns the store of the campaign called name.
func (s *Server) open(ctx context.Context, name string) (*store.Store, error) {
	for _, ref := range s.campaignRefs() {
		if ref.Name == name {
			return s.openDir(ctx, ref.Dir)
		}
	}
	return nil, fmt.Errorf("campaign %q: %w", name, ErrUnknownCampaign)
}

func (s *Server) openDir(ctx context.Context, dir string) (*store.Store, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.stores[dir]; ok {
		return st, nil
	}
	// WAL lets this connection read while `asi apply` writes.
	st, err := store.Open(ctx, dir)
	if err != nil {
		return nil, err
	}
	s.stores[dir] = st
	return st, nil
}

// writeJSON sends v with every secret redacted.
func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "encode response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(s.red.apply(body))
}

func (s *Server) fail(w http.ResponseWriter, status int, err error) {
	s.writeJSON(w, status, map[string]string{"error": err.Error()})
}

// failFor maps an error to its status.
func (s *Server) failFor(w http.ResponseWriter, err error) {
	status := http.StatusInternalServerError
	if errors.Is(err, ErrUnknownCampaign) || errors.Is(err, store.ErrNotFound) {
		status = http.StatusNotFound
	}
	s.fail(w, status, err)
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("node id %q is not a number", r.PathValue("id"))
	}
	return id, nil
}
