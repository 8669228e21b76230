package draft

import (
	"fmt"
	"strings"

	"github.com/asi-evolve/asi/core/llm"
)

// Role is the llm.Request role of the model that drafts tasks.
const Role = "drafter"

// Format is the reply format the system prompt asks for, with an example.
const Format = "```python " + EvaluatorFile + `
import importlib.util
import math


def evaluate(program_path):
    try:
        spec = importlib.util.spec_from_file_location("program", program_path)
        program = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(program)
        value = program.solve()
    except Exception as exc:
        return {"combined_score": 0.0, "error": "the program failed: %s" % exc}
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        return {"combined_score": 0.0, "error": "solve() must return a finite number"}
    if value < 0 or value > 10:
        return {"combined_score": 0.0, "error": "out of range: %r" % value}
    return {"combined_score": float(value)}
` + "```" + `

` + "```python " + InitialFile + `
# EVOLVE-BLOCK-START
def solve():
    return 1.0
# EVOLVE-BLOCK-END
` + "```" + `

` + "```json " + MetaFile + `
{"statement": "Write solve() returning a number in [0, 10]; higher is better.", "primary": "combined_score", "direction": "maximize", "known_best": 10}
` + "```"

// systemPrompt says what to write and how the draft will be checked.
const systemPrompt = `You write evaluation tasks for an evolutionary code search. Given a problem, write:

1. ` + EvaluatorFile + `: an OpenEvolve evaluator. It defines evaluate(program_path), which loads the candidate program from that path, runs it, checks its answer and returns a dict of numbers with "combined_score" (or the metric you name as primary). ` + wasmRuntime + ` When the candidate is wrong in any way (it fails to load, raises, returns nothing or the wrong type, NaN, infinities, values out of range, too many or too few items, items that break a constraint), return {"combined_score": 0.0, "error": "why"}: never raise from evaluate, and never reward an answer that breaks the problem's rules. Check every constraint of the problem. Be deterministic: seed any randomness (random.Random(0)) and report no timings as metrics.
2. ` + InitialFile + `: a simple, correct, improvable first solution. The lines the search may change lie between a line "# EVOLVE-BLOCK-START" and a line "# EVOLVE-BLOCK-END".
3. ` + MetaFile + `: one JSON object with "statement" (the problem, for the researcher who improves the program: what to write, the rules, what scores better), "primary" (the metric to improve, usually "combined_score"), "direction" ("maximize" or "minimize") and, only when a best possible score is known, "known_best" (a number). No other fields.

Reply with exactly three fenced blocks, each opened by a line of three backticks, the language and the file name, and closed by a line of three backticks, like this:

` + Format + `

asi then checks the draft in the sandbox: the evaluator scores the initial program, two runs agree, and empty, garbage, NaN, infinite and huge answers are rejected with the evaluator's own error rather than a crash or a reward. If a check fails you get the report and write all three blocks again.`

// wasmRuntime and jailRuntime say where the evaluator runs, in the
// system prompt.
const (
	wasmRuntime = "Python standard library only: it runs in CPython compiled to WebAssembly, with no network, no subprocesses, no threads, and only its own folder to read."
	jailRuntime = "Python with the machine's packages (numpy, scipy): it runs as a job in a jail, with no network, the machine read-only and its own folder the only place it may write."
)

// firstMessages asks for a draft of the task described; with packages,
// the evaluator may import the machine's packages (it runs in the jail).
func firstMessages(description string, packages bool) []llm.Message {
	system := systemPrompt
	if packages {
		system = strings.Replace(system, wasmRuntime, jailRuntime, 1)
	}
	return []llm.Message{
		{Role: "system", Content: system},
		{Role: "user", Content: "Write the task for this problem:\n\n" + description},
	}
}

// fixMessages asks for a fixed draft: the first request, the previous
// reply and what the checks said of it. Older rounds are left out, so the
// conversation stays the same size.
func fixMessages(description string, packages bool, previous, report string) []llm.Message {
	msgs := firstMessages(description, packages)
	return append(msgs,
		llm.Message{Role: "assistant", Content: previous},
		llm.Message{Role: "user", Content: fmt.Sprintf("asi checked your draft and it is not ready:\n\n%s\n\nFix every failed check and reply again with all three blocks (%s).",
			strings.TrimSpace(report), strings.Join([]string{EvaluatorFile, InitialFile, MetaFile}, ", "))},
	)
}
