package engine

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/asi-evolve/asi/core/llm"
)

// valueEmbedder embeds a program as (1, value/1000): programs with close
// values are near twins.
type valueEmbedder struct{}

func (valueEmbedder) Name() string { return "value" }
func (valueEmbedder) Dim() int     { return 2 }
func (valueEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, s := range texts {
		v := 0
		if m := valueLine.FindStringSubmatch(s); m != nil {
			v, _ = strconv.Atoi(m[1])
		}
		out[i] = []float32{1, float32(v) / 1000}
	}
	return out, nil
}

// twinMaker proposes value 2 unless told it repeats itself, then 1000.
type twinMaker struct{ calls atomic.Int64 }

func (*twinMaker) Name() string { return "twins" }
func (p *twinMaker) Complete(_ context.Context, req llm.Request) (llm.Response, error) {
	p.calls.Add(1)
	v := 2
	if strings.Contains(req.Messages[0].Content, "nearly the same") {
		v = 1000
	}
	return llm.Response{Content: fmt.Sprintf("<name>v%d</name>\n<motivation>try %d</motivation>\n<diff>\n<<<<<<< SEARCH\nvalue = 1\n=======\nvalue = %d\n>>>>>>> REPLACE\n</diff>\n", v, v, v)}, nil
}

type answer string

func (answer) Name() string { return "confirm" }
func (a answer) Complete(context.Context, llm.Request) (llm.Response, error) {
	return llm.Response{Content: string(a)}, nil
}

func TestNoveltyRejectsANearDuplicate(t *testing.T) {
	tests := []struct {
		name      string
		confirm   llm.Provider
		wantValue float64
		wantCount int
	}{
		{"embedding only", nil, 1000, 1},
		{"confirmed by a model", answer("Yes, the same idea."), 1000, 1},
		{"model says different", answer("No."), 2, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openStore(t)
			e := newEngine(t, st, &numberTask{}, &twinMaker{}, func(c *Config) {
				c.Budget.Steps, c.Workers = 1, 1
				c.Novelty = &Novelty{Embedder: valueEmbedder{}, Threshold: 0.99, Confirm: tt.confirm}
			})
			sum, err := e.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			nodes := checkSteps(t, st, 1)
			if nodes[1].Score != tt.wantValue || sum.Counters.NoveltyRejections != tt.wantCount {
				t.Fatalf("score %v, rejections %d; want %v, %d", nodes[1].Score, sum.Counters.NoveltyRejections, tt.wantValue, tt.wantCount)
			}
		})
	}
}
