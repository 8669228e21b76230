package draft

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/redteam"
)

// scripted replies in turn and keeps the requests.
type scripted struct {
	replies  []string
	requests []llm.Request
}

func (s *scripted) Name() string { return "scripted" }

func (s *scripted) Complete(ctx context.Context, req llm.Request) (llm.Response, error) {
	if err := ctx.Err(); err != nil {
		return llm.Response{}, err
	}
	s.requests = append(s.requests, req)
	if len(s.replies) == 0 {
		return llm.Response{}, errors.New("no more replies")
	}
	r := s.replies[0]
	s.replies = s.replies[1:]
	return llm.Response{Content: r}, nil
}

func goodReply(initial string) string {
	return reply(block("python evaluator.py", goodEvaluator), block("python initial_program.py", initial),
		block("json task.json", `{"statement": "Make X big.", "direction": "maximize"}`))
}

// TestRunFixRounds: a reply with no evaluator, then a draft whose initial
// program does not score, then a good one: the failures go back and the
// third lands with its CHECKS.md.
func TestRunFixRounds(t *testing.T) {
	bad := "# EVOLVE-BLOCK-START\nX = 2\n# EVOLVE-BLOCK-END\n"
	model := &scripted{replies: []string{"Here you go: ```python\nprint(1)\n```", goodReply(bad), goodReply(goodInitial)}}
	var started, closed int
	target := filepath.Join(t.TempDir(), "task")
	res, err := Run(context.Background(), Options{Description: "make X big", Model: model, Start: fakeStart(careful, &started, &closed),
		Rounds: 2, Timeout: 1, Target: target})
	if err != nil {
		t.Fatal(err)
	}
	if res.Drafts != 3 || len(model.requests) != 3 {
		t.Fatalf("%d drafts, %d requests; want 3", res.Drafts, len(model.requests))
	}
	second := model.requests[1].Messages[len(model.requests[1].Messages)-1].Content
	third := model.requests[2].Messages[len(model.requests[2].Messages)-1].Content
	if !strings.Contains(second, "no evaluator.py block") || !strings.Contains(third, "the initial program is invalid: the program failed") {
		t.Errorf("the reports did not go back:\nsecond request: %s\nthird request: %s", second, third)
	}
	checks, err := os.ReadFile(filepath.Join(target, ChecksFile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(checks), "- bad output rejected: passed") {
		t.Errorf("CHECKS.md:\n%s", checks)
	}
	if started != closed {
		t.Errorf("started %d evaluators, closed %d", started, closed)
	}
}

// TestRunLeavesNothing: every way Run fails leaves nothing at the target
// or beside it.
func TestRunLeavesNothing(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name    string
		ctx     context.Context
		replies []string
		score   func(string, uint64) redteam.Outcome
		want    error
	}{
		{"all rounds bad", context.Background(), []string{"no", goodReply("X = 1\n")}, careful, ErrNotReady},
		{"model gone", context.Background(), nil, careful, nil},
		{"interrupted", cancelled, []string{goodReply(goodInitial)}, careful, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parent := t.TempDir()
			var started, closed int
			_, err := Run(tt.ctx, Options{Description: "d", Model: &scripted{replies: tt.replies}, Start: fakeStart(tt.score, &started, &closed),
				Rounds: 1, Timeout: 1, Target: filepath.Join(parent, "task")})
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Fatalf("Run: %v, want %v", err, tt.want)
			}
			assertEmpty(t, parent)
		})
	}
	t.Run("interrupted while checking", func(t *testing.T) {
		parent := t.TempDir()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		start := func(ctx context.Context, _ string, _ uint64) (Evaluator, error) {
			cancel() // as Ctrl-C would, with the draft written and its task started
			return ctxEvaluator{}, nil
		}
		_, err := Run(ctx, Options{Description: "d", Model: &scripted{replies: []string{goodReply(goodInitial)}}, Start: start,
			Rounds: 1, Timeout: 1, Target: filepath.Join(parent, "task")})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Run: %v, want context.Canceled", err)
		}
		assertEmpty(t, parent)
	})
}

// ctxEvaluator fails as a task does once its context is cancelled.
type ctxEvaluator struct{}

func (ctxEvaluator) Evaluate(ctx context.Context, _ string, _ int64) (redteam.Outcome, error) {
	return redteam.Outcome{}, ctx.Err()
}

func (ctxEvaluator) Close() {}
