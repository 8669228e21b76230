package backend

import (
	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/core/engine"
)

// feedbackAndStall sets the engine's raw feedback in the researcher prompt
// and its response to a stalled campaign from the feedback and stop
// blocks. The researchers are set by then.
func feedbackAndStall(cfg *campaign.Config, ec *engine.Config) {
	if fb := cfg.Feedback; fb.Enabled {
		ec.Feedback = &engine.Feedback{MaxChars: fb.MaxChars, Stderr: fb.Stderr, Artifacts: fb.Artifacts}
	}
	if s := cfg.Stop; s.Enabled {
		ec.Stall = &engine.Stall{
			Patience: s.Patience, MinDelta: s.MinDelta, Response: s.Response, Responses: s.Responses,
			Temperature: researcherTemperature(cfg),
		}
	}
}

// researcherTemperature is the temperature the researcher model is set to,
// 0 when the file leaves it to the server.
func researcherTemperature(cfg *campaign.Config) float64 {
	if m := cfg.Models[cfg.Roles.Researcher]; m != nil && m.Temperature != nil {
		return *m.Temperature
	}
	return 0
}
