package plugins_test

import (
	"context"
	"testing"

	"github.com/asi-evolve/asi/core/task"
	"github.com/asi-evolve/asi/plugins"
	"github.com/asi-evolve/asi/plugins/internal/counttask"
	"github.com/asi-evolve/asi/sdk"
)

// BenchmarkEvaluate measures what the plugin protocol adds to one
// evaluation: the same task evaluating an empty program, called in process
// and through a plugin process (gRPC over a local socket with mutual TLS).
func BenchmarkEvaluate(b *testing.B) {
	ctx := context.Background()
	b.Run("inprocess", func(b *testing.B) {
		tk := counttask.New()
		if err := tk.Configure(ctx, sdk.ConfigureRequest{Settings: map[string]any{"crash_on_node": 0.0}}); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := tk.Evaluate(ctx, sdk.Candidate{NodeID: 1}, 0, 1); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("grpc", func(b *testing.B) {
		tk, err := plugins.StartTask(ctx, find(b, "crashy", nil), plugins.TaskOptions{})
		if err != nil {
			b.Fatal(err)
		}
		defer tk.Close()
		for b.Loop() {
			if _, err := tk.Evaluate(ctx, task.Candidate{NodeID: 1}, 0, 1); err != nil {
				b.Fatal(err)
			}
		}
	})
}
