package cognition

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"

	openai "github.com/sashabaranov/go-openai"
)

// OpenAIConfig configures an embedder against any OpenAI-compatible
// /embeddings endpoint.
type OpenAIConfig struct {
	BaseURL    string // e.g. http://127.0.0.1:8000/v1
	APIKey     string // secret: never printed
	Model      string
	Batch      int          // texts per request; default 64
	HTTPClient *http.Client // nil: the library's default
	// Cache, when set, keeps vectors by model and content hash in the
	// campaign database, so a text is embedded once.
	Cache *DB
}

// OpenAI is an Embedder backed by a remote model. Its vectors are scaled
// to unit length. The dimension is learned from the first answer.
type OpenAI struct {
	cfg    OpenAIConfig
	client *openai.Client
	dim    int
}

// NewOpenAI returns an embedder; dim is the dimension the model answers
// with, checked on every answer.
func NewOpenAI(cfg OpenAIConfig, dim int) *OpenAI {
	if cfg.Batch <= 0 {
		cfg.Batch = 64
	}
	oc := openai.DefaultConfig(cfg.APIKey)
	if cfg.BaseURL != "" {
		oc.BaseURL = cfg.BaseURL
	}
	if cfg.HTTPClient != nil {
		oc.HTTPClient = cfg.HTTPClient
	}
	return &OpenAI{cfg: cfg, client: openai.NewClientWithConfig(oc), dim: dim}
}

// Name implements Embedder.
func (o *OpenAI) Name() string { return fmt.Sprintf("openai:%s/%d", o.cfg.Model, o.dim) }

// Dim implements Embedder.
func (o *OpenAI) Dim() int { return o.dim }

// Embed implements Embedder: cached texts are not sent; the rest go in
// batches of cfg.Batch.
func (o *OpenAI) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	sums := make([]string, len(texts))
	var missing []int
	for i, t := range texts {
		s := sha256.Sum256([]byte(t))
		sums[i] = hex.EncodeToString(s[:])
		if o.cfg.Cache != nil {
			if v, ok := o.cfg.Cache.cachedVector(ctx, o.cfg.Model, sums[i]); ok && len(v) == o.dim {
				out[i] = v
				continue
			}
		}
		missing = append(missing, i)
	}
	for start := 0; start < len(missing); start += o.cfg.Batch {
		idx := missing[start:min(start+o.cfg.Batch, len(missing))]
		input := make([]string, len(idx))
		for j, i := range idx {
			input[j] = texts[i]
		}
		resp, err := o.client.CreateEmbeddings(ctx, openai.EmbeddingRequestStrings{Input: input, Model: openai.EmbeddingModel(o.cfg.Model)})
		if err != nil {
			return nil, fmt.Errorf("embeddings from %s: %w", o.cfg.Model, err)
		}
		if len(resp.Data) != len(idx) {
			return nil, fmt.Errorf("embeddings from %s: %d vectors for %d texts", o.cfg.Model, len(resp.Data), len(idx))
		}
		for _, d := range resp.Data {
			if d.Index < 0 || d.Index >= len(idx) {
				return nil, fmt.Errorf("embeddings from %s: index %d out of range", o.cfg.Model, d.Index)
			}
			if len(d.Embedding) != o.dim {
				return nil, fmt.Errorf("embeddings from %s: %d dimensions, want %d: %w", o.cfg.Model, len(d.Embedding), o.dim, ErrEmbedderMismatch)
			}
			i := idx[d.Index]
			out[i] = unit(append([]float32(nil), d.Embedding...))
			if o.cfg.Cache != nil {
				if err := o.cfg.Cache.cacheVector(ctx, o.cfg.Model, sums[i], out[i]); err != nil {
					return nil, fmt.Errorf("cache embedding: %w", err)
				}
			}
		}
	}
	return out, nil
}

var _ Embedder = (*OpenAI)(nil)
