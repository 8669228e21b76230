package dashboard

import (
	"net/http"

	"github.com/asi-evolve/asi/core/report"
)

// redteamJSON is what the red team found; only campaigns it attacked
// have one. The campaign view carries it without the programs' code;
// GET /api/campaigns/{name}/findings answers it with the code.
type redteamJSON struct {
	Passes   int           `json:"passes"`
	Findings []findingJSON `json:"findings"` // furthest past the bound first
}

// findingJSON is a program the evaluator scored valid and past a bound
// no honest program reaches.
type findingJSON struct {
	Node        int64   `json:"node"` // -1: the task's initial program
	Where       string  `json:"where"`
	Source      string  `json:"source"`
	Attack      string  `json:"attack"`
	Kind        string  `json:"kind"`
	Score       float64 `json:"score"`
	Bound       float64 `json:"bound"`
	BoundText   string  `json:"bound_is"`
	Excess      float64 `json:"excess"` // relative to the bound
	Description string  `json:"description,omitempty"`
	Feedback    string  `json:"feedback,omitempty"`
	Code        string  `json:"code,omitempty"`
}

// redteamOf is c's red team for the API, with the attack programs when
// withCode is set; nil when it never ran.
func redteamOf(c *report.Campaign, withCode bool) *redteamJSON {
	if c.RedteamPasses == 0 && len(c.Findings) == 0 {
		return nil
	}
	out := &redteamJSON{Passes: c.RedteamPasses, Findings: []findingJSON{}}
	for _, f := range c.WorstFindings(0) {
		fj := findingJSON{Node: f.NodeID, Where: c.FindingNode(f), Source: f.Source, Attack: f.Attack, Kind: f.Kind, Score: f.Score,
			Bound: f.Bound, BoundText: f.BoundText, Excess: c.FindingExcess(f), Description: f.Description, Feedback: f.Feedback}
		if withCode {
			fj.Code = f.Code
		}
		out.Findings = append(out.Findings, fj)
	}
	return out
}

// findings answers GET /api/campaigns/{name}/findings: the red team's
// passes and findings with their programs; no passes and an empty list
// when it never ran.
func (s *Server) findings(w http.ResponseWriter, r *http.Request) {
	_, c, err := s.load(r.Context(), r.PathValue("name"))
	if err != nil {
		s.failFor(w, err)
		return
	}
	out := redteamOf(c, true)
	if out == nil {
		out = &redteamJSON{Findings: []findingJSON{}}
	}
	s.writeJSON(w, http.StatusOK, out)
}
