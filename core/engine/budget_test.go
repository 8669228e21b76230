package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/roles"
)

// Prices of the model chargingServer serves, USD per million tokens.
const (
	testPriceIn  = 2.0
	testPriceOut = 8.0
)

var parentValue = regexp.MustCompile(`(?s)## Parent node .*?value = (-?\d+)`)

// chargingServer is an OpenAI-compatible endpoint that plays the number
// task's researcher (and analyzer: a prompt without a parent) and charges every call as much as a server may: one
// prompt token per byte of the messages and a reply of max_tokens. Each
// reply's motivation is longer than its parent's, so every prompt is
// longer than the ones before it.
type chargingServer struct {
	mu      sync.Mutex
	charged float64 // USD, at testPriceIn and testPriceOut
	prompts []int   // bytes of each prompt, in arrival order
}

func (s *chargingServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Messages []struct {
			Content string `json:"content"`
		} `json:"messages"`
		MaxTokens int `json:"max_tokens"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	bytes := 0
	for _, m := range body.Messages {
		bytes += len(m.Content)
	}
	prompt := body.Messages[len(body.Messages)-1].Content
	reply := "It helped.\nInsight: a larger value scores more."
	if m := parentValue.FindStringSubmatch(prompt); m != nil {
		v, _ := strconv.Atoi(m[1])
		motivation := fmt.Sprintf("raise value to %d%s", v+1, strings.Repeat(" and grow the prompt", 40*(v+1)))
		reply = fmt.Sprintf("<name>inc-%d</name>\n<motivation>%s</motivation>\n<diff>\n<<<<<<< SEARCH\nvalue = %d\n=======\nvalue = %d\n>>>>>>> REPLACE\n</diff>\n",
			v+1, motivation, v, v+1)
	}
	s.mu.Lock()
	s.charged += llm.Cost(bytes, body.MaxTokens, testPriceIn, testPriceOut)
	s.prompts = append(s.prompts, bytes)
	s.mu.Unlock()
	json.NewEncoder(w).Encode(map[string]any{
		"id": "c", "object": "chat.completion", "model": "m",
		"choices": []map[string]any{{"index": 0, "finish_reason": "stop", "message": map[string]string{"role": "assistant", "content": reply}}},
		"usage":   map[string]int{"prompt_tokens": bytes, "completion_tokens": body.MaxTokens, "total_tokens": bytes + body.MaxTokens},
	})
}

// TestMoneyCapWithGrowingPrompts: every call is dearer than any before it
// and is charged the most the server may, yet the spend never passes the
// cap, also when the cap is below the first call.
func TestMoneyCapWithGrowingPrompts(t *testing.T) {
	tests := []struct {
		name     string
		cap      float64
		workers  int
		minCalls int  // calls the cap affords at least, so growth is tested
		analyzer bool // the model analyzes too
	}{
		{name: "under the first call", cap: 0.001, workers: 1},
		{name: "a few calls", cap: 0.02, workers: 1, minCalls: 2},
		{name: "a few calls, two workers", cap: 0.02, workers: 2, minCalls: 2},
		{name: "more calls", cap: 0.06, workers: 1, minCalls: 4},
		{name: "more calls, two workers", cap: 0.075, workers: 2, minCalls: 4},
		{name: "many calls, three workers", cap: 0.15, workers: 3, minCalls: 6},
		{name: "model analyzer after the first design", cap: 0.004, workers: 1, minCalls: 1, analyzer: true},
		{name: "model analyzer", cap: 0.03, workers: 1, minCalls: 4, analyzer: true},
		{name: "model analyzer, two workers", cap: 0.1, workers: 2, minCalls: 6, analyzer: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := &chargingServer{}
			ts := httptest.NewServer(srv)
			defer ts.Close()
			p, err := llm.NewOpenAI(llm.OpenAIConfig{
				BaseURL: ts.URL + "/v1", Model: "m", PriceInput: testPriceIn, PriceOutput: testPriceOut,
				MaxTokens: 64, MaxRetries: -1,
			})
			if err != nil {
				t.Fatal(err)
			}
			st := openStore(t)
			e := newEngine(t, st, &numberTask{}, p, func(c *Config) {
				c.Budget, c.Workers = Budget{Steps: 100, USD: tt.cap}, tt.workers
				if tt.analyzer {
					c.Analyzer = roles.LLMAnalyzer{Provider: p}
				}
			})
			sum, err := e.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			srv.mu.Lock()
			defer srv.mu.Unlock()
			if srv.charged > tt.cap {
				t.Fatalf("the server charged $%.6f for %d calls (prompts of %v bytes), over the cap $%v", srv.charged, len(srv.prompts), srv.prompts, tt.cap)
			}
			if sum.Reason != StopUSD || len(srv.prompts) < tt.minCalls {
				t.Fatalf("stopped because %q after %d calls; want the money budget after at least %d", sum.Reason, len(srv.prompts), tt.minCalls)
			}
			if tt.minCalls >= 2 && slices.Max(srv.prompts) < 2*srv.prompts[0] {
				t.Fatalf("prompts of %v bytes: want them to grow", srv.prompts)
			}
			usage, err := st.Usage(context.Background())
			if err != nil || usage.Calls != len(srv.prompts) || usage.CostUSD > srv.charged+1e-12 || usage.CostUSD < srv.charged-1e-12 {
				t.Fatalf("stored usage %+v (%v); want %d calls costing $%.6f", usage, err, len(srv.prompts), srv.charged)
			}
		})
	}
}

func TestMoneyCapIsNeverExceeded(t *testing.T) {
	tests := []struct {
		name    string
		workers int
		cap     float64
	}{
		{"one worker", 1, 0.035},
		{"three workers", 3, 0.025},
		{"three workers, larger cap", 3, 0.105},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openStore(t)
			e := newEngine(t, st, &numberTask{}, &incrementer{}, func(c *Config) {
				c.Budget, c.Workers = Budget{Steps: 100, USD: tt.cap}, tt.workers
			})
			sum, err := e.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if sum.Reason != StopUSD || sum.Done == 0 {
				t.Fatalf("summary = %+v", sum)
			}
			if sum.Usage.CostUSD > tt.cap+1e-12 {
				t.Fatalf("spent %v over the cap %v", sum.Usage.CostUSD, tt.cap)
			}
			usage, _ := st.Usage(context.Background())
			counts, _ := st.Steps(context.Background())
			if usage.CostUSD > tt.cap+1e-12 || counts.Running != 0 {
				t.Fatalf("stored spend %v, running steps %d", usage.CostUSD, counts.Running)
			}
		})
	}
}
