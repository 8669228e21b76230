package command

import (
	"context"

	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/core/forecast"
	"github.com/asi-evolve/asi/core/task"
)

// costForecast is what plan says the campaign will cost: from the
// campaign's own history when the store in state holds one, otherwise from
// the task's prompts. A store that cannot be read leaves the forecast to
// its assumptions, saying why.
func costForecast(ctx context.Context, cfg *campaign.Config, desc task.Description, state string) *forecast.Forecast {
	h, err := forecast.ReadHistory(ctx, state)
	f := forecast.Compute(forecast.Input{Config: cfg, Task: desc, History: h, HistoryError: err})
	return &f
}
