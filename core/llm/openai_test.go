package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const testKey = "sk-test-0123456789abcdef"

const okBody = `{"id":"c1","object":"chat.completion","model":"served-model",
"choices":[{"index":0,"message":{"role":"assistant","content":"hello"},"finish_reason":"stop"}],
"usage":{"prompt_tokens":1000,"completion_tokens":500,"total_tokens":1500}}`

// reply writes one canned HTTP answer.
type reply func(w http.ResponseWriter, r *http.Request)

func status(code int, header map[string]string, body string) reply {
	return func(w http.ResponseWriter, r *http.Request) {
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		io.WriteString(w, body)
	}
}

func ok() reply { return status(200, nil, okBody) }

// hang answers only when the client gives up.
func hang() reply {
	return func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }
}

// scriptServer answers the n-th request with replies[n] (the last one
// repeats) and counts requests.
type scriptServer struct {
	*httptest.Server
	attempts atomic.Int32
	mu       sync.Mutex
	bodies   []map[string]any
	auth     []string
}

func newScriptServer(t *testing.T, replies ...reply) *scriptServer {
	t.Helper()
	s := &scriptServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(s.attempts.Add(1)) - 1
		var body map[string]any
		json.NewDecoder(r.Body).Decode(&body)
		s.mu.Lock()
		s.bodies = append(s.bodies, body)
		s.auth = append(s.auth, r.Header.Get("Authorization"))
		s.mu.Unlock()
		replies[min(n, len(replies)-1)](w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// fakeSleep records the waits instead of sleeping.
type fakeSleep struct {
	mu     sync.Mutex
	waits  []time.Duration
	onCall func()
}

func (f *fakeSleep) sleep(d time.Duration) {
	f.mu.Lock()
	f.waits = append(f.waits, d)
	f.mu.Unlock()
	if f.onCall != nil {
		f.onCall()
	}
}

func newTestOpenAI(t *testing.T, url string, sleep *fakeSleep, edit func(*OpenAIConfig)) *OpenAI {
	t.Helper()
	cfg := OpenAIConfig{
		BaseURL: url + "/v1", APIKey: testKey, Model: "test-model",
		PriceInput: 2, PriceOutput: 8, Timeout: 2 * time.Second,
		Sleep: sleep.sleep,
	}
	if edit != nil {
		edit(&cfg)
	}
	p, err := NewOpenAI(cfg)
	if err != nil {
		t.Fatalf("NewOpenAI: %v", err)
	}
	return p
}

var testRequest = Request{Role: "researcher", Messages: []Message{
	{Role: "system", Content: "you are a researcher"},
	{Role: "user", Content: "improve the program"},
}}

func TestOpenAIRetriesThenSucceeds(t *testing.T) {
	tests := []struct {
		name      string
		replies   []reply
		timeout   time.Duration
		attempts  int
		waits     []time.Duration // nil: only the count is checked
		waitCount int
	}{
		{
			name: "429 twice honours Retry-After",
			replies: []reply{
				status(429, map[string]string{"Retry-After": "2"}, `{"error":{"message":"slow down","type":"rate_limit"}}`),
				status(429, map[string]string{"Retry-After": "2"}, `{"error":{"message":"slow down","type":"rate_limit"}}`),
				ok(),
			},
			attempts: 3, waits: []time.Duration{2 * time.Second, 2 * time.Second}, waitCount: 2,
		},
		{
			name:     "Retry-After above the cap is capped",
			replies:  []reply{status(429, map[string]string{"Retry-After": "3600"}, `{"error":{"message":"slow"}}`), ok()},
			attempts: 2, waits: []time.Duration{retryAfterMax}, waitCount: 1,
		},
		{
			name:     "500 then ok",
			replies:  []reply{status(500, nil, `{"error":{"message":"boom"}}`), ok()},
			attempts: 2, waitCount: 1,
		},
		{
			name:     "502 with a non-json body then ok",
			replies:  []reply{status(502, nil, `<html>bad gateway</html>`), ok()},
			attempts: 2, waitCount: 1,
		},
		{
			name:     "malformed json then ok",
			replies:  []reply{status(200, nil, `{"choices": [{"message": `), ok()},
			attempts: 2, waitCount: 1,
		},
		{
			name:     "hanging attempt times out then ok",
			replies:  []reply{hang(), ok()},
			timeout:  100 * time.Millisecond,
			attempts: 2, waitCount: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newScriptServer(t, tt.replies...)
			sleep := &fakeSleep{}
			p := newTestOpenAI(t, srv.URL, sleep, func(c *OpenAIConfig) {
				if tt.timeout > 0 {
					c.Timeout = tt.timeout
				}
			})
			resp, err := p.Complete(context.Background(), testRequest)
			if err != nil {
				t.Fatalf("Complete: %v", err)
			}
			if got := int(srv.attempts.Load()); got != tt.attempts {
				t.Errorf("attempts = %d, want %d", got, tt.attempts)
			}
			if len(sleep.waits) != tt.waitCount {
				t.Errorf("waits = %v, want %d of them", sleep.waits, tt.waitCount)
			}
			if tt.waits != nil {
				if diff := cmp.Diff(tt.waits, sleep.waits); diff != "" {
					t.Errorf("waits (-want +got):\n%s", diff)
				}
			}
			for _, w := range sleep.waits {
				if w < 0 || w > retryAfterMax {
					t.Errorf("wait %v out of [0, %v]", w, retryAfterMax)
				}
			}
			want := Response{Content: "hello", Model: "served-model", Usage: Usage{
				PromptTokens: 1000, CompletionTokens: 500, CostUSD: (1000*2.0 + 500*8.0) / 1e6,
			}}
			if diff := cmp.Diff(want, resp, cmpResponseNoLatency); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
			if resp.Latency <= 0 {
				t.Errorf("latency = %v, want > 0", resp.Latency)
			}
		})
	}
}

var cmpResponseNoLatency = cmp.FilterPath(func(p cmp.Path) bool {
	return p.Last().String() == ".Latency"
}, cmp.Ignore())

func TestOpenAIFailures(t *testing.T) {
	tests := []struct {
		name     string
		replies  []reply
		attempts int
		is       []error
		contains string
	}{
		{
			name:     "401 is not retried",
			replies:  []reply{status(401, nil, `{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}`)},
			attempts: 1, is: []error{ErrAuth}, contains: "Incorrect API key provided",
		},
		{
			name:     "403 is not retried",
			replies:  []reply{status(403, nil, `{"error":{"message":"region not supported"}}`)},
			attempts: 1, is: []error{ErrAuth}, contains: "region not supported",
		},
		{
			name:     "400 is not retried",
			replies:  []reply{status(400, nil, `{"error":{"message":"context too long"}}`)},
			attempts: 1, is: []error{ErrBadRequest}, contains: "context too long",
		},
		{
			name:     "404 is not retried",
			replies:  []reply{status(404, nil, `{"error":{"message":"model not found"}}`)},
			attempts: 1, is: []error{ErrBadRequest}, contains: "model not found",
		},
		{
			name:     "429 insufficient quota is not retried",
			replies:  []reply{status(429, nil, `{"error":{"message":"quota exceeded","code":"insufficient_quota"}}`)},
			attempts: 1, is: []error{ErrRateLimited}, contains: "quota exceeded",
		},
		{
			name:     "empty choices",
			replies:  []reply{status(200, nil, `{"id":"c","model":"m","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":0}}`)},
			attempts: 1, is: []error{ErrEmptyReply}, contains: "no choices",
		},
		{
			name:     "empty content",
			replies:  []reply{status(200, nil, `{"id":"c","model":"m","choices":[{"message":{"role":"assistant","content":""},"finish_reason":"length"}]}`)},
			attempts: 1, is: []error{ErrEmptyReply}, contains: `"length"`,
		},
		{
			name:     "malformed json every time",
			replies:  []reply{status(200, nil, `not json at all`)},
			attempts: 3, is: []error{ErrRetriesExhausted, ErrMalformedReply}, contains: "after 3 attempts",
		},
		{
			name:     "500 every time",
			replies:  []reply{status(500, nil, `{"error":{"message":"overloaded"}}`)},
			attempts: 3, is: []error{ErrRetriesExhausted, ErrServer}, contains: "overloaded",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newScriptServer(t, tt.replies...)
			sleep := &fakeSleep{}
			p := newTestOpenAI(t, srv.URL, sleep, func(c *OpenAIConfig) { c.MaxRetries = 2 })
			_, err := p.Complete(context.Background(), testRequest)
			if err == nil {
				t.Fatal("Complete succeeded, want an error")
			}
			if got := int(srv.attempts.Load()); got != tt.attempts {
				t.Errorf("attempts = %d, want %d (err: %v)", got, tt.attempts, err)
			}
			if len(sleep.waits) != tt.attempts-1 {
				t.Errorf("waits = %v, want %d", sleep.waits, tt.attempts-1)
			}
			for _, target := range tt.is {
				if !errors.Is(err, target) {
					t.Errorf("errors.Is(%v, %v) = false", err, target)
				}
			}
			if !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("error %q does not say %q", err, tt.contains)
			}
		})
	}
}

func TestOpenAINetworkErrorIsRetried(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	sleep := &fakeSleep{}
	p := newTestOpenAI(t, url, sleep, func(c *OpenAIConfig) { c.MaxRetries = 3 })
	_, err := p.Complete(context.Background(), testRequest)
	if !errors.Is(err, ErrNetwork) || !errors.Is(err, ErrRetriesExhausted) {
		t.Fatalf("err = %v, want network error after retries", err)
	}
	if len(sleep.waits) != 3 {
		t.Errorf("waits = %v, want 3", sleep.waits)
	}
}

func TestOpenAICancelDuringBackoff(t *testing.T) {
	srv := newScriptServer(t, status(503, nil, `{"error":{"message":"busy"}}`), ok())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sleep := &fakeSleep{onCall: cancel}
	p := newTestOpenAI(t, srv.URL, sleep, nil)
	_, err := p.Complete(ctx, testRequest)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if got := srv.attempts.Load(); got != 1 {
		t.Errorf("attempts = %d, want 1: no attempt after cancellation", got)
	}
}

func TestOpenAICancelDuringRealBackoffIsPrompt(t *testing.T) {
	srv := newScriptServer(t, status(429, map[string]string{"Retry-After": "30"}, `{"error":{"message":"slow"}}`), ok())
	p, err := NewOpenAI(OpenAIConfig{BaseURL: srv.URL + "/v1", Model: "test-model"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = p.Complete(ctx, testRequest)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("Complete took %v after cancellation, want prompt return", elapsed)
	}
}

func TestOpenAICancelDuringAttempt(t *testing.T) {
	srv := newScriptServer(t, hang())
	sleep := &fakeSleep{}
	p := newTestOpenAI(t, srv.URL, sleep, func(c *OpenAIConfig) { c.Timeout = time.Minute })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := p.Complete(ctx, testRequest)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if errors.Is(err, ErrTimeout) {
		t.Errorf("err = %v: a cancelled call is not a per-attempt timeout", err)
	}
	if len(sleep.waits) != 0 {
		t.Errorf("waits = %v, want none", sleep.waits)
	}
}

func TestOpenAIRedactsAPIKey(t *testing.T) {
	echoAuth := func(code int, asJSON bool) reply {
		return func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(code)
			msg := "bad credentials: " + r.Header.Get("Authorization")
			if asJSON {
				fmt.Fprintf(w, `{"error":{"message":%q}}`, msg)
				return
			}
			io.WriteString(w, msg)
		}
	}
	tests := []struct {
		name    string
		replies []reply
	}{
		{name: "json error message", replies: []reply{echoAuth(401, true)}},
		{name: "plain error body", replies: []reply{echoAuth(403, false)}},
		{name: "retried errors", replies: []reply{echoAuth(500, true)}},
		{name: "malformed success body", replies: []reply{status(200, nil, "{"+testKey)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newScriptServer(t, tt.replies...)
			p := newTestOpenAI(t, srv.URL, &fakeSleep{}, func(c *OpenAIConfig) { c.MaxRetries = 1 })
			_, err := p.Complete(context.Background(), testRequest)
			if err == nil {
				t.Fatal("Complete succeeded, want an error")
			}
			if strings.Contains(err.Error(), testKey) {
				t.Errorf("error leaks the API key: %v", err)
			}
			if srv.auth[0] != "Bearer "+testKey {
				t.Errorf("Authorization = %q, want the bearer key", srv.auth[0])
			}
		})
	}
	t.Run("server text is kept around the redaction", func(t *testing.T) {
		srv := newScriptServer(t, echoAuth(401, true))
		p := newTestOpenAI(t, srv.URL, &fakeSleep{}, nil)
		_, err := p.Complete(context.Background(), testRequest)
		if !strings.Contains(err.Error(), "bad credentials: Bearer (redacted)") {
			t.Errorf("error = %v, want the redacted server message", err)
		}
	})
}

func TestOpenAIRequestShape(t *testing.T) {
	temp := 0.7
	tests := []struct {
		name  string
		model string
		req   Request
		want  map[string]any
		absnt []string
	}{
		{
			name:  "config defaults",
			model: "gpt-4o-mini",
			req:   testRequest,
			want:  map[string]any{"model": "gpt-4o-mini", "temperature": 0.7, "max_tokens": 256.0},
			absnt: []string{"max_completion_tokens", "seed"},
		},
		{
			name:  "request overrides config",
			model: "gpt-4o-mini",
			req:   Request{Messages: testRequest.Messages, Temperature: 0.2, MaxTokens: 64, Seed: 9},
			want:  map[string]any{"temperature": 0.2, "max_tokens": 64.0, "seed": 9.0},
		},
		{
			name:  "reasoning model gets max_completion_tokens and no temperature",
			model: "gpt-5-mini",
			req:   testRequest,
			want:  map[string]any{"model": "gpt-5-mini", "max_completion_tokens": 256.0},
			absnt: []string{"temperature", "max_tokens"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newScriptServer(t, ok())
			p := newTestOpenAI(t, srv.URL, &fakeSleep{}, func(c *OpenAIConfig) {
				c.Model = tt.model
				c.Temperature = &temp
				c.MaxTokens = 256
			})
			if _, err := p.Complete(context.Background(), tt.req); err != nil {
				t.Fatalf("Complete: %v", err)
			}
			body := srv.bodies[0]
			for k, v := range tt.want {
				got, _ := body[k].(float64)
				if s, isString := v.(string); isString {
					if body[k] != s {
						t.Errorf("%s = %v, want %v", k, body[k], s)
					}
					continue
				}
				if math.Abs(got-v.(float64)) > 1e-6 {
					t.Errorf("%s = %v, want %v", k, body[k], v)
				}
			}
			for _, k := range tt.absnt {
				if _, present := body[k]; present {
					t.Errorf("%s = %v, want it absent", k, body[k])
				}
			}
			msgs, _ := body["messages"].([]any)
			if len(msgs) != len(tt.req.Messages) {
				t.Errorf("sent %d messages, want %d", len(msgs), len(tt.req.Messages))
			}
		})
	}
}

func TestOpenAIUsage(t *testing.T) {
	noUsage := `{"id":"c","model":"m","choices":[{"message":{"role":"assistant","content":"0123456789abcdef"}}]}`
	tests := []struct {
		name  string
		edit  func(*OpenAIConfig)
		body  string
		usage Usage
	}{
		{
			name:  "server usage at table prices",
			edit:  func(c *OpenAIConfig) { c.Model = "gpt-4o-mini"; c.PriceInput, c.PriceOutput = 0, 0 },
			body:  okBody,
			usage: Usage{PromptTokens: 1000, CompletionTokens: 500, CostUSD: (1000*0.15 + 500*0.60) / 1e6},
		},
		{
			name:  "unknown model without prices costs nothing",
			edit:  func(c *OpenAIConfig) { c.Model = "my-local-llama"; c.PriceInput, c.PriceOutput = 0, 0 },
			body:  okBody,
			usage: Usage{PromptTokens: 1000, CompletionTokens: 500},
		},
		{
			name: "missing usage is estimated",
			body: noUsage,
			// "you are a researcher" (20 bytes) -> 5, "improve the program" (19) -> 5; reply 16 -> 4.
			usage: Usage{PromptTokens: 10, CompletionTokens: 4, CostUSD: (10*2.0 + 4*8.0) / 1e6},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newScriptServer(t, status(200, nil, tt.body))
			p := newTestOpenAI(t, srv.URL, &fakeSleep{}, tt.edit)
			resp, err := p.Complete(context.Background(), testRequest)
			if err != nil {
				t.Fatalf("Complete: %v", err)
			}
			if diff := cmp.Diff(tt.usage, resp.Usage, cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) < 1e-12 })); diff != "" {
				t.Errorf("usage (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewOpenAIConfig(t *testing.T) {
	tests := []struct {
		name    string
		cfg     OpenAIConfig
		wantErr bool
	}{
		{name: "model required", cfg: OpenAIConfig{}, wantErr: true},
		{name: "negative timeout", cfg: OpenAIConfig{Model: "m", Timeout: -time.Second}, wantErr: true},
		{name: "negative price", cfg: OpenAIConfig{Model: "m", PriceInput: -1}, wantErr: true},
		{name: "minimal", cfg: OpenAIConfig{Model: "m"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewOpenAI(tt.cfg)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if err != nil {
				if !errors.Is(err, ErrInvalidConfig) {
					t.Errorf("err = %v, want ErrInvalidConfig", err)
				}
				return
			}
			if p.cfg.Timeout != DefaultTimeout || p.retries != DefaultMaxRetries {
				t.Errorf("defaults: timeout %v retries %d", p.cfg.Timeout, p.retries)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name   string
		value  string
		want   time.Duration
		wantOK bool
	}{
		{name: "empty", value: ""},
		{name: "seconds", value: "3", want: 3 * time.Second, wantOK: true},
		{name: "fractional seconds", value: "0.5", want: 500 * time.Millisecond, wantOK: true},
		{name: "huge seconds capped", value: "99999999999999", want: retryAfterMax, wantOK: true},
		{name: "negative", value: "-4"},
		{name: "http date", value: now.Add(10 * time.Second).Format(http.TimeFormat), want: 10 * time.Second, wantOK: true},
		{name: "past http date", value: now.Add(-time.Hour).Format(http.TimeFormat), want: 0, wantOK: true},
		{name: "garbage", value: "soon"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseRetryAfter(tt.value, now)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.value, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestBackoffIsBoundedJitter(t *testing.T) {
	for attempt := 1; attempt <= 40; attempt++ {
		window := backoffMax
		if attempt < 6 {
			window = backoffBase << (attempt - 1)
		}
		for range 50 {
			if d := backoff(attempt, errors.New("x")); d < 0 || d > window {
				t.Fatalf("backoff(%d) = %v, want within [0, %v]", attempt, d, window)
			}
		}
	}
}
