package draft

import (
	"slices"

	"github.com/asi-evolve/asi/core/redteam"
)

// probe is a bad program a drafted evaluator must not reward. With
// mustReject it must find the program invalid; otherwise invalid or no
// better than the initial program will do (an evaluator may clamp a value
// it cannot use).
type probe struct {
	redteam.Attack
	mustReject bool
}

// rejectAlways names the probes that are no answer at all.
var rejectAlways = []string{"empty-program", "garbage", "empty-output"}

// probes are the red team's probes of a new evaluator (redteam.Probes):
// an empty program, garbage, and the initial program's answer made NaN,
// infinite, huge or empty.
func probes(t redteam.Target) []probe {
	var ps []probe
	for _, a := range redteam.Probes(t) {
		ps = append(ps, probe{Attack: a, mustReject: slices.Contains(rejectAlways, a.Name)})
	}
	return ps
}
