package llm

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// echoProvider answers with the last message and a call counter, so equal
// requests get different replies.
type echoProvider struct {
	mu    sync.Mutex
	calls int
	fail  error
}

func (p *echoProvider) Name() string { return "echo" }

func (p *echoProvider) Complete(_ context.Context, req Request) (Response, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fail != nil {
		return Response{}, p.fail
	}
	p.calls++
	last := req.Messages[len(req.Messages)-1].Content
	return Response{
		Content: fmt.Sprintf("reply %d to %q", p.calls, last),
		Model:   "echo-1",
		Usage:   Usage{PromptTokens: len(last), CompletionTokens: p.calls, CostUSD: 0.001 * float64(p.calls)},
		Latency: time.Duration(p.calls) * time.Millisecond,
	}, nil
}

func req(role, text string, seed int64) Request {
	return Request{Role: role, Seed: seed, Messages: []Message{{Role: "system", Content: "sys"}, {Role: "user", Content: text}}}
}

func TestRecordThenReplay(t *testing.T) {
	path := filepath.Join(t.TempDir(), "calls.jsonl")
	rec, err := NewRecorder(&echoProvider{}, path)
	if err != nil {
		t.Fatal(err)
	}
	requests := []Request{
		req("researcher", "improve", 1),
		req("analyzer", "analyze", 1),
		req("researcher", "improve", 1), // same key as the first
		req("researcher", "improve", 2), // another seed, another key
	}
	var recorded []Response
	for _, r := range requests {
		resp, err := rec.Complete(context.Background(), r)
		if err != nil {
			t.Fatalf("record: %v", err)
		}
		recorded = append(recorded, resp)
	}
	if rec.Name() != "echo" {
		t.Errorf("recorder name = %q, want the inner provider's", rec.Name())
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}

	rp, err := NewReplayer(path)
	if err != nil {
		t.Fatal(err)
	}
	if rp.Remaining() != len(requests) {
		t.Errorf("remaining = %d, want %d", rp.Remaining(), len(requests))
	}
	for i, r := range requests {
		got, err := rp.Complete(context.Background(), r)
		if err != nil {
			t.Fatalf("replay %d: %v", i, err)
		}
		if diff := cmp.Diff(recorded[i], got); diff != "" {
			t.Errorf("replay %d (-recorded +replayed):\n%s", i, diff)
		}
	}
	if rp.Remaining() != 0 {
		t.Errorf("remaining = %d, want 0", rp.Remaining())
	}

	tests := []struct {
		name string
		req  Request
		used int
	}{
		{name: "exhausted key", req: requests[0], used: 2},
		{name: "unknown messages", req: req("researcher", "something else", 1), used: 0},
		{name: "unknown role", req: req("manager", "improve", 1), used: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := rp.Complete(context.Background(), tt.req)
			var nr *NotRecordedError
			if !errors.Is(err, ErrNotRecorded) || !errors.As(err, &nr) {
				t.Fatalf("err = %v, want a NotRecordedError", err)
			}
			want := NotRecordedError{Role: tt.req.Role, Key: ReplayKey(tt.req), Used: tt.used}
			if diff := cmp.Diff(want, *nr); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if !strings.Contains(err.Error(), tt.req.Role) || !strings.Contains(err.Error(), nr.Key) {
				t.Errorf("error %q does not name the role and key", err)
			}
		})
	}
}

func TestRecorderSkipsFailuresAndAppends(t *testing.T) {
	path := filepath.Join(t.TempDir(), "calls.jsonl")
	inner := &echoProvider{fail: errors.New("server down")}
	rec, err := NewRecorder(inner, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rec.Complete(context.Background(), req("researcher", "a", 1)); err == nil {
		t.Fatal("want the inner error")
	}
	inner.fail = nil
	if _, err := rec.Complete(context.Background(), req("researcher", "b", 1)); err != nil {
		t.Fatal(err)
	}
	rec.Close()
	if _, err := rec.Complete(context.Background(), req("researcher", "c", 1)); !errors.Is(err, os.ErrClosed) {
		t.Errorf("after Close: err = %v, want os.ErrClosed", err)
	}

	// A torn last line (a crash mid-write) must not swallow the next record.
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"role":"researcher","con`)
	f.Close()
	rec, err = NewRecorder(inner, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rec.Complete(context.Background(), req("researcher", "d", 1)); err != nil {
		t.Fatal(err)
	}
	rec.Close()

	data, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("recording has %d lines, want 3 (b, torn fragment, d):\n%s", len(lines), data)
	}
	if !strings.Contains(lines[0], `\"b\"`) || !strings.Contains(lines[2], `\"d\"`) {
		t.Errorf("unexpected lines:\n%s", data)
	}
	_, err = NewReplayer(path)
	if !errors.Is(err, ErrCorruptRecording) || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("err = %v, want a corrupt line 2", err)
	}
}

func TestRecorderConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "calls.jsonl")
	rec, err := NewRecorder(&echoProvider{}, path)
	if err != nil {
		t.Fatal(err)
	}
	const n = 32
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if _, err := rec.Complete(context.Background(), req("researcher", strings.Repeat("x", 1000*i), int64(i))); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	rec.Close()
	rp, err := NewReplayer(path)
	if err != nil {
		t.Fatalf("concurrent recording does not load: %v", err)
	}
	if rp.Remaining() != n {
		t.Errorf("recorded %d exchanges, want %d", rp.Remaining(), n)
	}
}

func TestReplayerCorruptLines(t *testing.T) {
	valid := `{"role":"researcher","seed":1,"messages":[],"content":"x"}`
	tests := []struct {
		name string
		file string // written to a temp file unless fromTestdata
		line int
	}{
		{name: "torn line", file: valid + "\n" + `{"role":"res`, line: 2},
		{name: "not an object", file: "\n\n[1,2]\n", line: 3},
		{name: "no role", file: valid + "\n" + valid + "\n" + `{"content":"x"}`, line: 3},
		{name: "two values", file: valid + valid, line: 1},
		{name: "testdata file", file: "", line: 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join("testdata", "replay", "corrupt.jsonl")
			if tt.file != "" {
				path = filepath.Join(t.TempDir(), "r.jsonl")
				if err := os.WriteFile(path, []byte(tt.file), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			_, err := NewReplayer(path)
			if !errors.Is(err, ErrCorruptRecording) {
				t.Fatalf("err = %v, want ErrCorruptRecording", err)
			}
			if want := fmt.Sprintf("line %d:", tt.line); !strings.Contains(err.Error(), want) {
				t.Errorf("err = %v, want it to name %q", err, want)
			}
		})
	}
}

func TestReplayerMissingFile(t *testing.T) {
	if _, err := NewReplayer(filepath.Join(t.TempDir(), "none.jsonl")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("err = %v, want os.ErrNotExist", err)
	}
}

func TestReplayKey(t *testing.T) {
	base := req("researcher", "improve", 1)
	tests := []struct {
		name string
		req  Request
		same bool
	}{
		{name: "identical", req: req("researcher", "improve", 1), same: true},
		{name: "parents and sampling do not count", req: Request{Role: "researcher", Seed: 1, Messages: base.Messages, Parents: []Parent{{NodeID: 3}}, Temperature: 0.5, MaxTokens: 9}, same: true},
		{name: "role", req: req("analyzer", "improve", 1)},
		{name: "seed", req: req("researcher", "improve", 2)},
		{name: "content", req: req("researcher", "improve!", 1)},
		{name: "message role", req: Request{Role: "researcher", Seed: 1, Messages: []Message{{Role: "user", Content: "sys"}, {Role: "user", Content: "improve"}}}},
		{name: "message boundary", req: Request{Role: "researcher", Seed: 1, Messages: []Message{{Role: "system", Content: "sysimprove"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ReplayKey(tt.req) == ReplayKey(base); got != tt.same {
				t.Errorf("same key = %v, want %v", got, tt.same)
			}
		})
	}
}

func TestRecordingHoldsNoAPIKey(t *testing.T) {
	srv := newScriptServer(t, ok())
	p := newTestOpenAI(t, srv.URL, &fakeSleep{}, nil)
	path := filepath.Join(t.TempDir(), "calls.jsonl")
	rec, err := NewRecorder(p, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rec.Complete(context.Background(), testRequest); err != nil {
		t.Fatal(err)
	}
	rec.Close()
	data, _ := os.ReadFile(path)
	if len(data) == 0 || strings.Contains(string(data), testKey) {
		t.Errorf("recording is empty or holds the API key:\n%s", data)
	}
}
