package llm

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// exchange is one line of a recording file: a request's identity and the
// reply it got. Nothing from transport (headers, keys, URLs) is kept.
type exchange struct {
	Key       string          `json:"key"`
	Role      string          `json:"role"`
	Seed      int64           `json:"seed"`
	Messages  []messageRecord `json:"messages"`
	Content   string          `json:"content"`
	Model     string          `json:"model"`
	Usage     usageRecord     `json:"usage"`
	LatencyNS int64           `json:"latency_ns"`
	At        time.Time       `json:"at"`
}

type messageRecord struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type usageRecord struct {
	PromptTokens     int     `json:"prompt_tokens"`
	CompletionTokens int     `json:"completion_tokens"`
	CostUSD          float64 `json:"cost_usd"`
}

// ReplayKey identifies a request for replay: a SHA-256 over its role,
// messages and seed. Parents, temperature and max tokens are not part of
// it; the messages already carry what the model saw.
func ReplayKey(req Request) string {
	id := struct {
		Role     string          `json:"role"`
		Messages []messageRecord `json:"messages"`
		Seed     int64           `json:"seed"`
	}{req.Role, messageRecords(req.Messages), req.Seed}
	b, _ := json.Marshal(id) // strings and ints always marshal
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func messageRecords(msgs []Message) []messageRecord {
	out := make([]messageRecord, len(msgs))
	for i, m := range msgs {
		out[i] = messageRecord{Role: m.Role, Content: m.Content}
	}
	return out
}

// Recorder is a Provider that passes requests to another provider and
// appends each successful exchange as one JSON line to a file, synced to
// disk before Complete returns. Failed calls are not recorded. It is safe
// for concurrent use; lines are never interleaved.
type Recorder struct {
	inner Provider
	path  string

	mu sync.Mutex
	f  *os.File
}

// NewRecorder opens (creating or appending to) the recording at path.
// Close it when done.
func NewRecorder(inner Provider, path string) (*Recorder, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("recording %s: %w", path, err)
	}
	// A crash mid-write leaves a line without its newline; start on a
	// fresh line so the next record is not glued to the fragment.
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, st.Size()-1); err == nil && last[0] != '\n' {
			if _, err := f.Write([]byte{'\n'}); err != nil {
				f.Close()
				return nil, fmt.Errorf("recording %s: %w", path, err)
			}
		}
	}
	return &Recorder{inner: inner, path: path, f: f}, nil
}

// Name returns the wrapped provider's name: recording does not change who
// answered.
func (r *Recorder) Name() string { return r.inner.Name() }

// Unwrap returns the wrapped provider.
func (r *Recorder) Unwrap() Provider { return r.inner }

// Complete asks the wrapped provider and records the exchange. If the
// exchange cannot be written, the reply is discarded and the write error
// returned, so a recording never silently misses a call.
func (r *Recorder) Complete(ctx context.Context, req Request) (Response, error) {
	resp, err := r.inner.Complete(ctx, req)
	if err != nil {
		return resp, err
	}
	ex := exchange{
		Key:      ReplayKey(req),
		Role:     req.Role,
		Seed:     req.Seed,
		Messages: messageRecords(req.Messages),
		Content:  resp.Content,
		Model:    resp.Model,
		Usage: usageRecord{
			PromptTokens:     resp.Usage.PromptTokens,
			CompletionTokens: resp.Usage.CompletionTokens,
			CostUSD:          resp.Usage.CostUSD,
		},
		LatencyNS: int64(resp.Latency),
		At:        time.Now().UTC(),
	}
	line, err := json.Marshal(ex)
	if err != nil {
		return Response{}, fmt.Errorf("recording %s: %w", r.path, err)
	}
	line = append(line, '\n')

	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return Response{}, fmt.Errorf("recording %s: %w", r.path, os.ErrClosed)
	}
	if _, err := r.f.Write(line); err != nil {
		return Response{}, fmt.Errorf("recording %s: %w", r.path, err)
	}
	if err := r.f.Sync(); err != nil {
		return Response{}, fmt.Errorf("recording %s: sync: %w", r.path, err)
	}
	return resp, nil
}

// Close closes the recording file. Later calls to Complete fail.
func (r *Recorder) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return nil
	}
	err := r.f.Close()
	r.f = nil
	return err
}

// Replayer is a Provider that answers from a recording made by Recorder:
// a request gets the reply recorded under its ReplayKey; requests sharing
// a key get their replies in recorded order. It makes no network calls
// and is safe for concurrent use.
type Replayer struct {
	path string

	mu      sync.Mutex
	replies map[string][]Response
	used    map[string]int
}

// NewReplayer loads the recording at path. A line that does not decode is
// an error naming its line number.
func NewReplayer(path string) (*Replayer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("replay %s: %w", path, err)
	}
	defer f.Close()

	r := &Replayer{path: path, replies: map[string][]Response{}, used: map[string]int{}}
	br := bufio.NewReader(f)
	for lineNo := 1; ; lineNo++ {
		line, readErr := br.ReadBytes('\n')
		if readErr != nil && !errors.Is(readErr, io.EOF) {
			return nil, fmt.Errorf("replay %s: line %d: %w", path, lineNo, readErr)
		}
		if line = bytes.TrimSpace(line); len(line) > 0 {
			if err := r.add(line); err != nil {
				return nil, fmt.Errorf("replay %s: line %d: %w: %w", path, lineNo, ErrCorruptRecording, err)
			}
		}
		if readErr != nil {
			return r, nil
		}
	}
}

func (r *Replayer) add(line []byte) error {
	var ex exchange
	dec := json.NewDecoder(bytes.NewReader(line))
	if err := dec.Decode(&ex); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("more than one value on the line")
	}
	if ex.Role == "" {
		return errors.New("no role")
	}
	// The key is recomputed, not trusted: it must match what ReplayKey
	// gives the live request.
	key := ReplayKey(Request{Role: ex.Role, Seed: ex.Seed, Messages: messagesOf(ex.Messages)})
	r.replies[key] = append(r.replies[key], Response{
		Content: ex.Content,
		Model:   ex.Model,
		Usage: Usage{
			PromptTokens:     ex.Usage.PromptTokens,
			CompletionTokens: ex.Usage.CompletionTokens,
			CostUSD:          ex.Usage.CostUSD,
		},
		Latency: time.Duration(ex.LatencyNS),
	})
	return nil
}

func messagesOf(recs []messageRecord) []Message {
	out := make([]Message, len(recs))
	for i, m := range recs {
		out[i] = Message{Role: m.Role, Content: m.Content}
	}
	return out
}

// Name returns "replay".
func (r *Replayer) Name() string { return "replay" }

// Complete returns the next recorded reply for req, or a *NotRecordedError
// (matching ErrNotRecorded) when there is none left.
func (r *Replayer) Complete(ctx context.Context, req Request) (Response, error) {
	if err := ctx.Err(); err != nil {
		return Response{}, err
	}
	key := ReplayKey(req)
	r.mu.Lock()
	defer r.mu.Unlock()
	n := r.used[key]
	if n >= len(r.replies[key]) {
		return Response{}, fmt.Errorf("replay %s: %w", r.path, &NotRecordedError{Role: req.Role, Key: key, Used: n})
	}
	r.used[key] = n + 1
	return r.replies[key][n], nil
}

// MaxCost is the cost recorded with the dearest reply still left for req;
// 0 when none is left (the call fails and costs nothing).
func (r *Replayer) MaxCost(req Request) float64 {
	key := ReplayKey(req)
	r.mu.Lock()
	defer r.mu.Unlock()
	var most float64
	for _, resp := range r.replies[key][min(r.used[key], len(r.replies[key])):] {
		most = max(most, resp.Usage.CostUSD)
	}
	return most
}

// Remaining reports how many recorded replies have not been played back.
func (r *Replayer) Remaining() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	left := 0
	for key, replies := range r.replies {
		left += len(replies) - r.used[key]
	}
	return left
}

var (
	_ Provider    = (*Recorder)(nil)
	_ Wrapper     = (*Recorder)(nil)
	_ Provider    = (*Replayer)(nil)
	_ CostBounder = (*Replayer)(nil)
)
