package llm

import (
	"context"
	"time"
)

// RoleResearcher is the Request.Role of the researcher, the one role the
// offline search operator answers.
const RoleResearcher = "researcher"

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

// CostBounder is implemented by providers that can bound what a request
// will cost before it is sent. MaxCost is that bound in USD: the most the
// provider can record for req (see MaxPromptTokens and DefaultReplyTokens
// for how the OpenAI provider bounds it). A campaign's money budget books
// it before each call.
type CostBounder interface {
	MaxCost(req Request) float64
}

// MaxCost returns the bound of p (or of the provider it wraps, see
// Wrapper) for req; ok is false when neither can bound it.
func MaxCost(p Provider, req Request) (usd float64, ok bool) {
	for p != nil {
		if b, isBounder := p.(CostBounder); isBounder {
			return b.MaxCost(req), true
		}
		w, isWrapper := p.(Wrapper)
		if !isWrapper {
			break
		}
		p = w.Unwrap()
	}
	return 0, false
}

// Wrapper is implemented by providers that pass requests to another
// provider (Recorder): Unwrap returns it.
type Wrapper interface {
	Unwrap() Provider
}

// ModelFree is implemented by providers that answer without a language
// model, such as the offline search operator (roles.Offline): their replies
// read no prompt and cost no tokens. IsOffline looks for it.
type ModelFree interface {
	Provider
	// ModelFree does nothing; it marks the provider.
	ModelFree()
}

// IsOffline reports whether p, or the provider it wraps (see Wrapper), is
// ModelFree: its replies are no model's calls. A provider that embeds a
// ModelFree one without being a Wrapper is not.
func IsOffline(p Provider) bool {
	for p != nil {
		if _, ok := p.(ModelFree); ok {
			return true
		}
		w, ok := p.(Wrapper)
		if !ok {
			return false
		}
		p = w.Unwrap()
	}
	return false
}
