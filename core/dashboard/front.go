package dashboard

import (
	"errors"
	"net/http"

	"github.com/asi-evolve/asi/core/report"
)

// errNoFront answers a front request for a campaign without objectives.
var errNoFront = errors.New("the campaign has no objective blocks, so no Pareto front")

// frontJSON is a campaign's Pareto front and its hypervolume over steps;
// only campaigns with objective blocks have one.
type frontJSON struct {
	Objectives []objectiveJSON `json:"objectives"`
	Members    []memberJSON    `json:"members"`
	// Hypervolume is null when the reference point is unknown.
	Hypervolume *float64 `json:"hypervolume"`
	// Preferred is the id of the member `asi best` prints; 0 when none.
	Preferred int64 `json:"preferred"`
	// Curve is the hypervolume after each stored node, in step order.
	Curve []hypervolumeJSON `json:"hypervolume_curve"`
}

type objectiveJSON struct {
	Metric    string   `json:"metric"`
	Direction string   `json:"direction"`
	Reference *float64 `json:"reference"`
}

type memberJSON struct {
	ID     int64     `json:"id"`
	Step   int64     `json:"step"`
	Name   string    `json:"name"`
	Values []float64 `json:"values"` // raw metric values, in the order of objectives
}

type hypervolumeJSON struct {
	Step        int64   `json:"step"`
	Hypervolume float64 `json:"hypervolume"`
}

// frontOf is c's front for the API; nil when c has no objectives.
func frontOf(c *report.Campaign) *frontJSON {
	if !c.HasObjectives() {
		return nil
	}
	f := c.Front()
	out := &frontJSON{Objectives: []objectiveJSON{}, Members: []memberJSON{}, Curve: []hypervolumeJSON{}}
	for k, o := range f.Objectives {
		oj := objectiveJSON{Metric: o.Metric, Direction: o.Direction}
		if f.HasReference {
			ref := f.Reference[k]
			oj.Reference = &ref
		}
		out.Objectives = append(out.Objectives, oj)
	}
	if f.HasReference {
		hv := f.Hypervolume
		out.Hypervolume = &hv
	}
	for i, m := range f.Members {
		out.Members = append(out.Members, memberJSON{ID: m.Node.ID, Step: m.Node.Step, Name: m.Node.Name, Values: m.Values})
		if i == f.Preferred {
			out.Preferred = m.Node.ID
		}
	}
	for _, p := range c.HypervolumeCurve() {
		out.Curve = append(out.Curve, hypervolumeJSON{Step: p.Step, Hypervolume: p.Hypervolume})
	}
	return out
}

// front answers GET /api/campaigns/{name}/front: the Pareto front, or 404
// when the campaign has no objective blocks.
func (s *Server) front(w http.ResponseWriter, r *http.Request) {
	_, c, err := s.load(r.Context(), r.PathValue("name"))
	if err != nil {
		s.failFor(w, err)
		return
	}
	f := frontOf(c)
	if f == nil {
		s.fail(w, http.StatusNotFound, errNoFront)
		return
	}
	s.writeJSON(w, http.StatusOK, f)
}
