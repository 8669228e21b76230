package llm

import (
	"context"
	"time"
)

// Message is one chat message.
type Message struct {
	Role    string // "system", "user" or "assistant"
	Content string
}

// Parent is a program the request is about, given in structured form so
// that providers which do not read prose (offline) can still act on it.
type Parent struct {
	NodeID int64
	Code   string
	Score  float64
}

// Request is one completion request.
type Request struct {
	// Role is the asi role asking: "researcher", "analyzer", ...
	Role     string
	Messages []Message
	// Parents are the context programs, the first one being the program
	// to edit. Providers that read Messages may ignore them.
	Parents []Parent
	// Seed makes offline providers deterministic per step.
	Seed        int64
	Temperature float64
	MaxTokens   int
}

// Usage counts what a call consumed.
type Usage struct {
	PromptTokens     int
	CompletionTokens int
	CostUSD          float64
}

// Response is a completed reply.
type Response struct {
	Content string
	Model   string
	Usage   Usage
	Latency time.Duration
}

// Provider produces completions. Implementations are safe for concurrent use.
type Provider interface {
	Name() string
	Complete(ctx context.Context, req Request) (Response, error)
}
