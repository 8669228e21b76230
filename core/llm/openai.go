package llm

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// Defaults of OpenAIConfig and the backoff schedule.
const (
	DefaultTimeout    = 120 * time.Second
	DefaultMaxRetries = 4

	backoffBase     = time.Second
	backoffMax      = 30 * time.Second
	retryAfterMax   = 60 * time.Second
	errorBodyMaxLen = 500
)

// OpenAIConfig configures an OpenAI-compatible chat completions provider.
type OpenAIConfig struct {
	// BaseURL of the API, up to and including the version ("…/v1").
	// Empty means OpenAI's own endpoint.
	BaseURL string
	// APIKey is sent as a bearer token; empty sends none (local servers).
	// It never appears in an error this provider returns.
	APIKey string
	// Model is the model name sent with every request. Required.
	Model string
	// Temperature is used when a Request leaves its own at 0; nil leaves it
	// to the server. Reasoning models (o1, o3, o4, gpt-5, gpt-6 families)
	// accept no temperature, so it is not sent to them. go-openai omits a
	// temperature of 0, so 0 means the server's default, not greedy.
	Temperature *float64
	// MaxTokens caps the reply when a Request leaves its own at 0; 0 leaves
	// it to the server.
	MaxTokens int
	// ReasoningEffort ("low", "medium", "high") is sent to reasoning models
	// only; "" leaves it to the server.
	ReasoningEffort string
	// Timeout bounds one attempt, default 120s. A timed-out attempt is
	// retried.
	Timeout time.Duration
	// MaxRetries is how many times a failed attempt is retried: 0 means 4,
	// a negative value means never.
	MaxRetries int
	// PriceInput and PriceOutput are USD per million prompt and completion
	// tokens. When both are 0 they come from Price(Model), or stay 0 for an
	// unknown model.
	PriceInput, PriceOutput float64
	// HTTPClient sends the requests; nil means a plain http.Client. The
	// per-attempt timeout is applied through the request context.
	HTTPClient *http.Client
	// Sleep waits between attempts; tests replace it. Nil means a timer
	// that stops early when the context is cancelled. Cancellation is
	// checked again after Sleep returns.
	Sleep func(time.Duration)
}

// OpenAI is a Provider for any OpenAI-compatible /chat/completions endpoint.
// It retries rate limits, server errors, network errors, timeouts and
// malformed replies with exponential backoff and full jitter, honouring
// Retry-After up to a minute. It is safe for concurrent use.
type OpenAI struct {
	cfg      OpenAIConfig
	client   *openai.Client
	priceIn  float64
	priceOut float64
	retries  int
	redactor *strings.Replacer
}

// NewOpenAI checks cfg, fills its defaults and returns the provider.
func NewOpenAI(cfg OpenAIConfig) (*OpenAI, error) {
	if strings.TrimSpace(cfg.Model) == "" {
		return nil, fmt.Errorf("%w: openai: model is required", ErrInvalidConfig)
	}
	if cfg.Timeout < 0 || cfg.MaxTokens < 0 || cfg.PriceInput < 0 || cfg.PriceOutput < 0 {
		return nil, fmt.Errorf("%w: openai: timeout, max tokens and prices must not be negative", ErrInvalidConfig)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	retries := cfg.MaxRetries
	switch {
	case retries == 0:
		retries = DefaultMaxRetries
	case retries < 0:
		retries = 0
	}
	httpClient := cfg.HTTPClient
	if httpClient == nil {
		httpClient = &http.Client{}
	}

	oc := openai.DefaultConfig(cfg.APIKey)
	if cfg.BaseURL != "" {
		oc.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	}
	oc.HTTPClient = tracingDoer{client: httpClient}

	p := &OpenAI{
		cfg:      cfg,
		client:   openai.NewClientWithConfig(oc),
		priceIn:  cfg.PriceInput,
		priceOut: cfg.PriceOutput,
		retries:  retries,
		redactor: strings.NewReplacer(),
	}
	if p.priceIn == 0 && p.priceOut == 0 {
		p.priceIn, p.priceOut, _ = Price(cfg.Model)
	}
	if cfg.APIKey != "" {
		p.redactor = strings.NewReplacer(cfg.APIKey, "(redacted)")
	}
	return p, nil
}

// Name returns "openai".
func (p *OpenAI) Name() string { return "openai" }

// Complete sends req, retrying transient failures. Latency covers every
// attempt and wait. When the server reports no usage, tokens are estimated
// with EstimateTokens.
func (p *OpenAI) Complete(ctx context.Context, req Request) (Response, error) {
	start := time.Now()
	creq := p.chatRequest(req)

	var last error
	attempts := 0
	for attempt := 0; attempt <= p.retries; attempt++ {
		if attempt > 0 {
			if err := p.wait(ctx, backoff(attempt, last)); err != nil {
				return Response{}, fmt.Errorf("openai %s: waiting to retry after %d attempts: %w (last: %v)", p.cfg.Model, attempts, err, last)
			}
		}
		attempts++
		resp, err := p.attempt(ctx, creq)
		if err == nil {
			return p.response(req, resp, time.Since(start))
		}
		if ctx.Err() != nil {
			return Response{}, fmt.Errorf("openai %s: attempt %d: %w", p.cfg.Model, attempts, ctx.Err())
		}
		if !isRetryable(err) {
			return Response{}, fmt.Errorf("openai %s: attempt %d: %w", p.cfg.Model, attempts, err)
		}
		last = err
	}
	return Response{}, fmt.Errorf("openai %s: %w after %d attempts: %w", p.cfg.Model, ErrRetriesExhausted, attempts, last)
}

// MaxCost bounds what req can cost at the provider's prices: the prompt
// at MaxPromptTokens, the reply at its limit (the request's MaxTokens, else
// the model's, else DefaultReplyTokens). Retries are not counted: a failed
// attempt reports no usage.
func (p *OpenAI) MaxCost(req Request) float64 {
	reply := p.maxTokens(req)
	if reply == 0 {
		reply = DefaultReplyTokens
	}
	return Cost(MaxPromptTokens(req.Messages), reply, p.priceIn, p.priceOut)
}

// maxTokens is the reply limit sent with req; 0 leaves it to the server.
func (p *OpenAI) maxTokens(req Request) int {
	if req.MaxTokens != 0 {
		return req.MaxTokens
	}
	return p.cfg.MaxTokens
}

func (p *OpenAI) chatRequest(req Request) openai.ChatCompletionRequest {
	creq := openai.ChatCompletionRequest{Model: p.cfg.Model}
	for _, m := range req.Messages {
		creq.Messages = append(creq.Messages, openai.ChatCompletionMessage{Role: m.Role, Content: m.Content})
	}
	if req.Seed != 0 {
		seed := int(req.Seed)
		creq.Seed = &seed
	}

	temperature := req.Temperature
	if temperature == 0 && p.cfg.Temperature != nil {
		temperature = *p.cfg.Temperature
	}
	maxTokens := p.maxTokens(req)
	if isReasoningModel(p.cfg.Model) {
		// These models reject max_tokens and any temperature but 1.
		creq.MaxCompletionTokens = maxTokens
		creq.ReasoningEffort = p.cfg.ReasoningEffort
	} else {
		creq.MaxTokens = maxTokens
		creq.Temperature = float32(temperature)
	}
	return creq
}

func isReasoningModel(model string) bool {
	name := strings.ToLower(model)
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	for _, prefix := range []string{"o1", "o3", "o4", "gpt-5", "gpt-6"} {
		if strings.HasPrefix(name, prefix) {
			return true
		}
	}
	return false
}

// attempt sends one request under the per-attempt timeout and classifies
// its failure. Every error it returns has been redacted.
func (p *OpenAI) attempt(ctx context.Context, creq openai.ChatCompletionRequest) (openai.ChatCompletionResponse, error) {
	trace := &attemptTrace{}
	actx, cancel := context.WithTimeout(context.WithValue(ctx, traceKey{}, trace), p.cfg.Timeout)
	defer cancel()

	resp, err := p.client.CreateChatCompletion(actx, creq)
	if err == nil {
		return resp, nil
	}
	return resp, p.classify(ctx, actx, trace, err)
}

func (p *OpenAI) classify(ctx, actx context.Context, trace *attemptTrace, err error) error {
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(actx.Err(), context.DeadlineExceeded):
		return &attemptError{kind: ErrTimeout, msg: "no complete reply within " + p.cfg.Timeout.String()}
	case !trace.sent:
		// The request never left: go-openai refused it locally.
		return &attemptError{kind: ErrInvalidConfig, msg: p.redact(err.Error())}
	case errors.As(err, &apiErr):
		code, _ := apiErr.Code.(string)
		return &StatusError{StatusCode: apiErr.HTTPStatusCode, Code: code, Message: p.redact(apiErr.Message), RetryAfter: trace.retryAfter}
	case errors.As(err, &reqErr):
		msg := strings.TrimSpace(string(reqErr.Body))
		if len(msg) > errorBodyMaxLen {
			msg = msg[:errorBodyMaxLen] + "…"
		}
		return &StatusError{StatusCode: reqErr.HTTPStatusCode, Message: p.redact(msg), RetryAfter: trace.retryAfter}
	case trace.status == 0:
		return &attemptError{kind: ErrNetwork, msg: p.redact(err.Error())}
	case trace.status >= 200 && trace.status < 300:
		return &attemptError{kind: ErrMalformedReply, msg: p.redact(err.Error())}
	default:
		return &attemptError{kind: ErrMalformedReply, msg: fmt.Sprintf("http %d: %s", trace.status, p.redact(err.Error()))}
	}
}

func (p *OpenAI) response(req Request, resp openai.ChatCompletionResponse, latency time.Duration) (Response, error) {
	if len(resp.Choices) == 0 {
		return Response{}, fmt.Errorf("openai %s: %w: no choices", p.cfg.Model, ErrEmptyReply)
	}
	choice := resp.Choices[0]
	if choice.Message.Content == "" {
		return Response{}, fmt.Errorf("openai %s: %w: no content (finish reason %q)", p.cfg.Model, ErrEmptyReply, choice.FinishReason)
	}
	usage := Usage{PromptTokens: resp.Usage.PromptTokens, CompletionTokens: resp.Usage.CompletionTokens}
	if usage.PromptTokens == 0 && usage.CompletionTokens == 0 {
		for _, m := range req.Messages {
			usage.PromptTokens += EstimateTokens(m.Content)
		}
		usage.CompletionTokens = EstimateTokens(choice.Message.Content)
	}
	usage.CostUSD = Cost(usage.PromptTokens, usage.CompletionTokens, p.priceIn, p.priceOut)
	model := resp.Model
	if model == "" {
		model = p.cfg.Model
	}
	return Response{Content: choice.Message.Content, Model: model, Usage: usage, Latency: latency}, nil
}

// wait sleeps d, returning early with the context's error when it ends.
func (p *OpenAI) wait(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if p.cfg.Sleep != nil {
		p.cfg.Sleep(d)
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (p *OpenAI) redact(s string) string { return p.redactor.Replace(s) }

// backoff is the wait before retry number attempt (1-based): the server's
// Retry-After when it gave one (capped), else full jitter over an
// exponentially growing window.
func backoff(attempt int, last error) time.Duration {
	var se *StatusError
	if errors.As(last, &se) {
		if d, ok := parseRetryAfter(se.RetryAfter, time.Now()); ok {
			return min(d, retryAfterMax)
		}
	}
	window := backoffMax
	if attempt < 16 {
		window = min(backoffBase<<(attempt-1), backoffMax)
	}
	return rand.N(window + 1)
}

// parseRetryAfter reads a Retry-After value in seconds or as an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(min(secs, retryAfterMax.Seconds()) * float64(time.Second)), true
	}
	if at, err := http.ParseTime(v); err == nil {
		return min(max(at.Sub(now), 0), retryAfterMax), true
	}
	return 0, false
}

func isRetryable(err error) bool {
	var se *StatusError
	if errors.As(err, &se) {
		return se.retryable()
	}
	for _, kind := range []error{ErrTimeout, ErrNetwork, ErrMalformedReply} {
		if errors.Is(err, kind) {
			return true
		}
	}
	return false
}

// attemptError is a classified failure of one attempt; msg is redacted.
type attemptError struct {
	kind error
	msg  string
}

func (e *attemptError) Error() string { return e.kind.Error() + ": " + e.msg }
func (e *attemptError) Unwrap() error { return e.kind }

// attemptTrace records what the transport saw, which go-openai's errors
// do not keep: whether the request was sent, the status and Retry-After.
type attemptTrace struct {
	sent       bool
	status     int
	retryAfter string
}

type traceKey struct{}

// tracingDoer fills the attemptTrace carried by the request context.
type tracingDoer struct{ client *http.Client }

func (d tracingDoer) Do(req *http.Request) (*http.Response, error) {
	trace, _ := req.Context().Value(traceKey{}).(*attemptTrace)
	if trace != nil {
		trace.sent = true
	}
	res, err := d.client.Do(req)
	if err == nil && trace != nil {
		trace.status = res.StatusCode
		trace.retryAfter = res.Header.Get("Retry-After")
	}
	return res, err
}

var (
	_ Provider    = (*OpenAI)(nil)
	_ CostBounder = (*OpenAI)(nil)
)
