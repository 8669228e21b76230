package command

import (
	"context"
	"fmt"

	"github.com/asi-evolve/asi/core/report"
	"github.com/asi-evolve/asi/core/views"
)

// runBest prints the best valid program (only its code in text mode, so
// that `asi best > best.go` works).
func runBest(ctx context.Context, args []string, s Streams) int {
	dir, a, code := inspectTarget("best", "[flags] [FILE|DIR]", args, s, nil, nil)
	if dir == "" {
		return code
	}
	c, err := report.LoadDir(ctx, dir)
	if err != nil {
		return fail(err, s)
	}
	n, ok := c.Best()
	if !ok {
		return fail(fmt.Errorf("no valid program yet (%w)", report.ErrNoValidNode), s)
	}
	return render((views.View{W: s.Stdout, JSON: a.json}).Best(n), s)
}
