package command

import (
	"context"

	"github.com/asi-evolve/asi/core/report"
	"github.com/asi-evolve/asi/core/views"
)

// statusTop is how many of the best nodes `asi status` lists.
const statusTop = 5

// runStatus prints the state of a stored campaign.
func runStatus(ctx context.Context, args []string, s Streams) int {
	dir, a, code := inspectTarget("status", "[flags] [FILE|DIR]", args, s, nil, nil)
	if dir == "" {
		return code
	}
	c, err := report.LoadDir(ctx, dir)
	if err != nil {
		return fail(err, s)
	}
	return render((views.View{W: s.Stdout, JSON: a.json}).Report(views.ReportOf(c, statusTop)), s)
}
