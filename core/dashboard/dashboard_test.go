package dashboard

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/asi-evolve/asi/core/store"
)

const secret = "sk-test-0123456789abcdef"

// fillStore makes a small campaign: an initial program, an improvement, a
// failure, and an LLM call whose reply leaked the API key.
func fillStore(t *testing.T) (*store.Store, string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir() + "/demo"
	st, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for k, v := range map[string]string{"campaign": "demo", "task": "number", "primary": "value", "direction": "maximize", "budget_steps": "5"} {
		if err := st.SetMeta(ctx, k, v); err != nil {
			t.Fatal(err)
		}
	}
	nodes := []store.Node{
		{Step: 0, Name: "initial", Code: "a = 1\nb = 2\n", Valid: true, Score: 1, Status: store.StatusOK, Metrics: map[string]float64{"value": 1}, Features: []float64{1, 2}},
		{Step: 1, Parents: []int64{1}, Name: "raise-a", Motivation: "raise a", Code: "a = 3\nb = 2\n", Cognition: []string{"item-7", "item-2"}, Valid: true, Score: 3, Status: store.StatusOK, Metrics: map[string]float64{"value": 3}, Features: []float64{3, 2}},
		{Step: 2, Parents: []int64{2}, Name: "break-b", Code: "a = 3\nb = -1\n", Cognition: []string{"item-7"}, Status: store.StatusFailed, Error: "stage \"run\": invalid candidate: b < 0"},
	}
	for i := range nodes {
		if nodes[i].Step > 0 {
			if err := st.RecordCall(ctx, store.Call{Step: nodes[i].Step, Role: "researcher", Provider: "openai", Prompt: "improve", Reply: "auth header was Bearer " + secret}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := st.Commit(ctx, &nodes[i], nil, []store.Event{{Kind: "node", Message: nodes[i].Name}}); err != nil {
			t.Fatal(err)
		}
	}
	return st, dir
}

func newTestServer(t *testing.T, cfg Config) *httptest.Server {
	t.Helper()
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { hs.Close(); srv.Close() })
	return hs
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestMutatingEndpointNeedsToken(t *testing.T) {
	_, dir := fillStore(t)
	writable := newTestServer(t, Config{Dirs: []string{dir}, Token: "right-token"})
	readOnly := newTestServer(t, Config{Dirs: []string{dir}})
	tests := []struct {
		name   string
		server *httptest.Server
		auth   string
		want   int
	}{
		{"no token", writable, "", http.StatusUnauthorized},
		{"wrong token", writable, "Bearer wrong-token", http.StatusUnauthorized},
		{"token without Bearer", writable, "right-token", http.StatusUnauthorized},
		{"right token", writable, "Bearer right-token", http.StatusCreated},
		{"read-only server", readOnly, "Bearer right-token", http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, tt.server.URL+"/api/campaigns/demo/nodes/2/notes", strings.NewReader(`{"text":"`+tt.name+`"}`))
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.want)
			}
			_, body := get(t, tt.server.URL+"/api/campaigns/demo/nodes/2")
			var n nodeDetailJSON
			if err := json.Unmarshal([]byte(body), &n); err != nil {
				t.Fatal(err)
			}
			stored := false
			for _, note := range n.Notes {
				stored = stored || note.Message == tt.name
			}
			if stored != (tt.want == http.StatusCreated) {
				t.Fatalf("note stored = %v after status %d", stored, resp.StatusCode)
			}
		})
	}
	// GET never reaches the mutating handler.
	if code, _ := get(t, writable.URL+"/api/campaigns/demo/nodes/2/notes"); code != http.StatusMethodNotAllowed {
		t.Fatalf("GET on the notes endpoint: status %d, want 405", code)
	}
}

func TestResponsesRedactSecrets(t *testing.T) {
	_, dir := fillStore(t)
	hs := newTestServer(t, Config{Dirs: []string{dir}, Redact: []string{secret}})
	redactedSomewhere := false
	for _, path := range []string{"/", "/c/demo", "/static/app.js", "/api/campaigns", "/api/campaigns/demo", "/api/campaigns/demo/nodes/1",
		"/api/campaigns/demo/nodes/2", "/api/campaigns/demo/nodes/3", "/api/campaigns/demo/cognition", "/metrics"} {
		code, body := get(t, hs.URL+path)
		if code != http.StatusOK {
			t.Fatalf("GET %s: status %d: %s", path, code, body)
		}
		if strings.Contains(body, secret) {
			t.Errorf("GET %s leaks the secret", path)
		}
		redactedSomewhere = redactedSomewhere || strings.Contains(body, "[redacted]")
	}
	if !redactedSomewhere {
		t.Error("the leaked reply never reached a response: the test checks nothing")
	}
}

func TestEnvSecrets(t *testing.T) {
	got := EnvSecrets([]string{
		"OPENAI_API_KEY=" + secret, "GITHUB_TOKEN=ghp_abcdefgh", "DB_PASSWORD=short", "PATH=/usr/bin:/bin",
		"AWS_SECRET_ACCESS_KEY=abc/def+ghi", "broken",
	})
	want := []string{secret, "ghp_abcdefgh", "abc/def+ghi"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("EnvSecrets (-want +got):\n%s", diff)
	}
}

func TestRedactor(t *testing.T) {
	tests := []struct {
		name, secret, in, want string
	}{
		{"plain", secret, "key " + secret + " end", "key [redacted] end"},
		{"twice", secret, secret + secret, "[redacted][redacted]"},
		{"as escaped in JSON", "pa<ss>word&1", `{"x":"pa\u003css\u003eword\u00261"}`, `{"x":"[redacted]"}`},
		{"short values are left alone", "1234", "1234", "1234"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(newRedactor([]string{tt.secret}).apply([]byte(tt.in))); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLoopbackHostCheck(t *testing.T) {
	_, dir := fillStore(t)
	hs := newTestServer(t, Config{Dirs: []string{dir}, LoopbackHosts: true})
	tests := []struct {
		host string
		want int
	}{
		{"127.0.0.1:8484", http.StatusOK},
		{"localhost:8484", http.StatusOK},
		{"[::1]:8484", http.StatusOK},
		{"attacker.example:8484", http.StatusMisdirectedRequest},
		{"10.0.0.5", http.StatusMisdirectedRequest},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, hs.URL+"/api/campaigns", nil)
			req.Host = tt.host
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.want)
			}
		})
	}
}

func TestLineDiff(t *testing.T) {
	tests := []struct {
		name         string
		parent, node string
		want         []diffLine
	}{
		{"equal", "a\nb\n", "a\nb\n", []diffLine{}},
		{"one line changed", "a\nb\nc\n", "a\nB\nc\n", []diffLine{
			{Op: "@", Text: "@@ -1,3 +1,3 @@"}, {Op: " ", Text: "a", Old: 1, New: 1}, {Op: "-", Text: "b", Old: 2},
			{Op: "+", Text: "B", New: 2}, {Op: " ", Text: "c", Old: 3, New: 3},
		}},
		{"no parent", "", "x\n", []diffLine{{Op: "@", Text: "@@ -0,0 +1,1 @@"}, {Op: "+", Text: "x", New: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, lineDiff(tt.parent, tt.node, 3)); diff != "" {
				t.Fatalf("lineDiff (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMetrics(t *testing.T) {
	_, dir := fillStore(t)
	hs := newTestServer(t, Config{Dirs: []string{dir}})
	_, body := get(t, hs.URL+"/metrics")
	for _, want := range []string{
		`asi_steps_total{campaign="demo"} 2`,
		`asi_evaluations_total{campaign="demo",outcome="ok"} 2`,
		`asi_evaluations_total{campaign="demo",outcome="failed"} 1`,
		`asi_llm_calls_total{campaign="demo"} 2`,
		`asi_best_score{campaign="demo",metric="value"} 3`,
		`asi_evaluation_duration_seconds_count{campaign="demo"} 3`,
		`asi_scrape_errors{campaign="demo"} 0`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(body)
	}
}

func TestStreamSendsNewNodes(t *testing.T) {
	st, dir := fillStore(t)
	hs := newTestServer(t, Config{Dirs: []string{dir}, Poll: 20 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, hs.URL+"/api/campaigns/demo/stream?after=3", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	lines := bufio.NewScanner(resp.Body)
	lines.Buffer(make([]byte, 1<<20), 1<<20)
	next := func() campaignJSON {
		for lines.Scan() {
			if data, ok := strings.CutPrefix(lines.Text(), "data: "); ok {
				var v campaignJSON
				if err := json.Unmarshal([]byte(data), &v); err != nil {
					t.Fatal(err)
				}
				return v
			}
		}
		t.Fatalf("stream ended: %v", lines.Err())
		return campaignJSON{}
	}
	first := next()
	if len(first.Nodes) != 0 || first.Summary.Done != 2 {
		t.Fatalf("first update: %d new nodes, %d done; want 0 and 2", len(first.Nodes), first.Summary.Done)
	}
	n := store.Node{Step: 3, Parents: []int64{2}, Name: "later", Code: "a = 4\n", Valid: true, Score: 4, Status: store.StatusOK}
	if _, err := st.Commit(ctx, &n, nil, nil); err != nil {
		t.Fatal(err)
	}
	second := next()
	if len(second.Nodes) != 1 || second.Nodes[0].Name != "later" || second.Summary.Best.ID != n.ID {
		t.Fatalf("second update: %+v", second.Nodes)
	}
}

// A node whose evaluation could not run (the task plugin failed) is
// counted apart from the failed candidates, and is not a failure reason.
func TestInfraFailuresCountedApart(t *testing.T) {
	st, dir := fillStore(t)
	n := store.Node{Step: 3, Parents: []int64{2}, Name: "crashed", Code: "a = 4\n", Status: store.StatusInfraFailed,
		Error: `evaluate stage "run": plugin crashed: number died while evaluating node 4 (panic: boom)`}
	if _, err := st.Commit(context.Background(), &n, nil, nil); err != nil {
		t.Fatal(err)
	}
	hs := newTestServer(t, Config{Dirs: []string{dir}})
	code, body := get(t, hs.URL+"/api/campaigns/demo")
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, body)
	}
	var v campaignJSON
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatal(err)
	}
	if v.Summary.Done != 3 || v.Summary.Failures != 1 || v.Summary.InfraFailures != 1 {
		t.Errorf("summary: %d done, %d failures, %d infrastructure failures; want 3, 1 and 1", v.Summary.Done, v.Summary.Failures, v.Summary.InfraFailures)
	}
	for _, f := range v.Failures {
		if strings.Contains(f.Reason, "plugin crashed") {
			t.Errorf("failure reasons list the crash: %+v", v.Failures)
		}
	}
}

func TestUnknownCampaignAndNode(t *testing.T) {
	_, dir := fillStore(t)
	hs := newTestServer(t, Config{Dirs: []string{dir}})
	for _, path := range []string{"/api/campaigns/nope", "/api/campaigns/demo/nodes/99"} {
		if code, _ := get(t, hs.URL+path); code != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", path, code)
		}
	}
	if code, _ := get(t, hs.URL+"/api/campaigns/demo/nodes/x"); code != http.StatusBadRequest {
		t.Errorf("bad node id: status %d, want 400", code)
	}
}

func TestCognitionUse(t *testing.T) {
	_, dir := fillStore(t)
	hs := newTestServer(t, Config{Dirs: []string{dir}})
	_, body := get(t, hs.URL+"/api/campaigns/demo/cognition")
	var got struct {
		Recorded bool                `json:"recorded"`
		Items    []cognitionItemJSON `json:"items"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	two := 2.0
	want := []cognitionItemJSON{
		{Item: "item-7", Uses: 2, Valid: 1, MeanDelta: &two, Nodes: []int64{2, 3}},
		{Item: "item-2", Uses: 1, Valid: 1, MeanDelta: &two, Nodes: []int64{2}},
	}
	if diff := cmp.Diff(want, got.Items); diff != "" || !got.Recorded {
		t.Fatalf("cognition use (-want +got):\n%s", diff)
	}
	_, body = get(t, hs.URL+"/api/campaigns/demo/nodes/2")
	var n nodeDetailJSON
	if err := json.Unmarshal([]byte(body), &n); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"item-7", "item-2"}, n.Cognition); diff != "" {
		t.Fatalf("node cognition (-want +got):\n%s", diff)
	}
}
