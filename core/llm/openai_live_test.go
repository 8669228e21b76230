//go:build live

package llm

import (
	"context"
	"os"
	"testing"
	"time"
)

// TestOpenAILiveServer talks to a real OpenAI-compatible server named by
// ASI_TEST_OPENAI_BASE_URL (for example a local llama.cpp server), with
// `go test -tags live ./core/llm`; ASI_TEST_OPENAI_MODEL and
// ASI_TEST_OPENAI_API_KEY are optional. It is outside `make test`, which
// has no such server (the openai provider's tests there use a local fake).
func TestOpenAILiveServer(t *testing.T) {
	baseURL := os.Getenv("ASI_TEST_OPENAI_BASE_URL")
	if baseURL == "" {
		t.Skip("ASI_TEST_OPENAI_BASE_URL not set")
	}
	model := os.Getenv("ASI_TEST_OPENAI_MODEL")
	if model == "" {
		model = "local"
	}
	p, err := NewOpenAI(OpenAIConfig{
		BaseURL: baseURL, APIKey: os.Getenv("ASI_TEST_OPENAI_API_KEY"), Model: model,
		MaxTokens: 32, Timeout: time.Minute, MaxRetries: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	resp, err := p.Complete(ctx, Request{Role: "researcher", Messages: []Message{{Role: "user", Content: "// Max returns the larger of a and b."}}})
	if err != nil {
		t.Fatalf("Complete: %v", err)
	}
	if resp.Content == "" || resp.Usage.PromptTokens == 0 || resp.Usage.CompletionTokens == 0 || resp.Latency <= 0 {
		t.Errorf("incomplete response: %+v", resp)
	}
	t.Logf("model %s, %d+%d tokens in %v: %q", resp.Model, resp.Usage.PromptTokens, resp.Usage.CompletionTokens, resp.Latency, resp.Content)
}
