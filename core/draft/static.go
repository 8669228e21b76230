package draft

import (
	"fmt"
	"regexp"

	"github.com/asi-evolve/asi/core/diffs"
)

// definesEvaluate finds the evaluator's entry point at the top level.
var definesEvaluate = regexp.MustCompile(`(?m)^(?:async[ \t]+)?def[ \t]+evaluate[ \t]*\(`)

// suspicious are what a sandboxed evaluator has no use for: each is worth
// a warning (the sandbox contains it either way), not a failure.
var suspicious = []struct {
	re   *regexp.Regexp
	what string
}{
	{regexp.MustCompile(`(?m)^[ \t]*(?:import|from)[ \t]+socket\b`), "imports socket (the sandbox has no network)"},
	{regexp.MustCompile(`\bsubprocess\b`), "uses subprocess (the sandbox runs no processes)"},
	{regexp.MustCompile(`\bos\.(?:system|popen|exec\w*|spawn\w*|fork)\b`), "runs commands through os (the sandbox runs no processes)"},
	{regexp.MustCompile(`\bctypes\b`), "uses ctypes"},
	{regexp.MustCompile(`\burllib\b|\bhttp\.client\b|\brequests\b`), "uses the network (the sandbox has none)"},
	{regexp.MustCompile(`["'](?:/etc|/proc|/sys|/root|/home|/dev|~)/`), "names a path outside its folder (the sandbox shows only its folder)"},
}

// staticCheck checks what can be seen without running anything: the
// evaluator defines evaluate, the initial program has EVOLVE-BLOCK
// markers that pair up. It returns the check and the warnings.
func staticCheck(d Draft) (Check, []string) {
	c := Check{Name: CheckStatic, Passed: true}
	var problems []string
	if !definesEvaluate.MatchString(d.Evaluator) {
		problems = append(problems, EvaluatorFile+" defines no top-level evaluate(program_path)")
	}
	regions, err := diffs.Regions(d.Initial)
	switch {
	case err != nil:
		problems = append(problems, fmt.Sprintf("%s: %v", InitialFile, err))
	case len(regions) == 0:
		problems = append(problems, fmt.Sprintf("%s has no editable region: put the lines the search may change between a line containing %s and one containing %s",
			InitialFile, diffs.StartMarker, diffs.EndMarker))
	}
	if len(problems) > 0 {
		c.Passed = false
		c.Detail = joinLines(problems)
	} else {
		c.Detail = fmt.Sprintf("%s defines evaluate; %s has %d EVOLVE block(s)", EvaluatorFile, InitialFile, len(regions))
	}
	var warnings []string
	for _, f := range []struct{ name, text string }{{EvaluatorFile, d.Evaluator}, {InitialFile, d.Initial}} {
		for _, s := range suspicious {
			if s.re.MatchString(f.text) {
				warnings = append(warnings, f.name+" "+s.what)
			}
		}
	}
	return c, warnings
}
