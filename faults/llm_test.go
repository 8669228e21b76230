package faults

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// researcherReply is a valid researcher reply for the faulty task: a full
// rewrite that changes only the EVOLVE region.
func researcherReply(n int) string {
	return fmt.Sprintf(`<name>longer-%d</name>
<motivation>A longer constant makes a longer program.</motivation>
<program>
package main

// EVOLVE-BLOCK-START
const x = %d.123456789
// EVOLVE-BLOCK-END

func main() { println(x) }
</program>`, n, n)
}

// fault is one way a request to the fake server goes wrong.
type fault string

const (
	faultNone       fault = "none"
	faultRateLimit  fault = "429 with Retry-After"
	faultServer     fault = "500"
	faultReset      fault = "connection reset"
	faultSlowStream fault = "slow body"
	faultTimeout    fault = "no answer before the timeout"
	faultTruncated  fault = "truncated JSON"
	faultNotJSON    fault = "HTML instead of JSON"
)

var allFaults = []fault{faultRateLimit, faultServer, faultReset, faultSlowStream, faultTimeout, faultTruncated, faultNotJSON}

// llmServer is an OpenAI-compatible chat server that answers with valid
// researcher replies, injecting the fault plan gives for each request.
type llmServer struct {
	*httptest.Server
	plan func(request int) fault
	key  string // the bearer token required; "" accepts any

	mu       sync.Mutex
	requests int
	seen     map[fault]int
	replies  int
}

func newLLMServer(t *testing.T, key string, plan func(int) fault) *llmServer {
	s := &llmServer{plan: plan, key: key, seen: map[fault]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *llmServer) serve(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	if s.key != "" && r.Header.Get("Authorization") != "Bearer "+s.key {
		http.Error(w, `{"error":{"message":"bad key"}}`, http.StatusUnauthorized)
		return
	}
	s.mu.Lock()
	n := s.requests
	s.requests++
	f := s.plan(n)
	s.seen[f]++
	if f == faultNone || f == faultSlowStream {
		s.replies++
	}
	reply := s.replies
	s.mu.Unlock()

	body, _ := json.Marshal(map[string]any{
		"id": fmt.Sprintf("c%d", n), "object": "chat.completion", "created": 1, "model": "fake",
		"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
			"message": map[string]any{"role": "assistant", "content": researcherReply(reply)}}},
		"usage": map[string]any{"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150},
	})
	switch f {
	case faultRateLimit:
		w.Header().Set("Retry-After", "1")
		http.Error(w, `{"error":{"message":"rate limited","type":"rate_limit"}}`, http.StatusTooManyRequests)
	case faultServer:
		http.Error(w, `{"error":{"message":"boom"}}`, http.StatusInternalServerError)
	case faultReset:
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			if tc, ok := conn.(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // RST, not FIN
			}
			conn.Close()
		}
	case faultSlowStream:
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		for i := 0; i < len(body); i += len(body)/8 + 1 {
			_, _ = w.Write(body[i:min(i+len(body)/8+1, len(body))])
			w.(http.Flusher).Flush()
			time.Sleep(50 * time.Millisecond)
		}
	case faultTimeout:
		select {
		case <-r.Context().Done():
		case <-time.After(30 * time.Second):
		}
	case faultTruncated:
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body[:len(body)/2])
	case faultNotJSON:
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html><body>502 Bad Gateway</body></html>"))
	default:
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}
}

// modelBlocks points the researcher at url; the key comes from the
// environment, as a user's campaign reads it.
func modelBlocks(url string) string {
	return fmt.Sprintf(`
model "fake" {
  provider = "openai"
  base_url = %q
  api_key  = env("OPENAI_API_KEY")
  name     = "fake-model"
  timeout  = "2s"
}

roles {
  researcher = model.fake
}
`, url)
}

// TestLLMFaults runs a campaign whose researcher's server fails every other
// request, each kind of fault in turn. Every fault is retried, the budget
// is spent with valid nodes designed by the server, and every call is
// recorded.
func TestLLMFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real campaign")
	}
	const steps = 8
	srv := newLLMServer(t, "", func(n int) fault {
		if n%2 == 1 || n/2 >= len(allFaults) {
			return faultNone
		}
		return allFaults[n/2]
	})
	file, state := campaign(t, steps, 1, "", modelBlocks(srv.URL+"/v1"))
	out, err := asi(t, 4*time.Minute, []string{"OPENAI_API_KEY=sk-fault-test"}, "apply", "-state", state, file)
	if err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	checkDatabase(t, state, steps)
	srv.mu.Lock()
	defer srv.mu.Unlock()
	for _, f := range allFaults {
		if srv.seen[f] == 0 {
			t.Errorf("fault %q never injected", f)
		}
	}
	js, err := asi(t, time.Minute, nil, "export", "-state", state)
	if err != nil {
		t.Fatalf("export: %v\n%s", err, js)
	}
	if got := strings.Count(js, "longer-"); got < steps-1 {
		t.Errorf("%d nodes designed by the server, want at least %d:\n%s", got, steps-1, out)
	}
	t.Logf("%d requests, faults %v", srv.requests, srv.seen)
}
