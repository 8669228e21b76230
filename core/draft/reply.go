package draft

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// The files of a draft, as the model names them in its reply.
const (
	EvaluatorFile = "evaluator.py"
	InitialFile   = "initial_program.py"
	MetaFile      = "task.json"
)

// Draft is one parsed reply: the two files and the metadata.
type Draft struct {
	Evaluator string // evaluator.py: defines evaluate(program_path)
	Initial   string // initial_program.py, with EVOLVE-BLOCK markers
	Meta      Meta
}

// Meta is what the model says about the task in task.json.
type Meta struct {
	// Statement is the problem, for the researcher.
	Statement string `json:"statement"`
	// Primary is the metric to improve; "" is combined_score.
	Primary string `json:"primary"`
	// Direction is "maximize" or "minimize".
	Direction string `json:"direction"`
	// KnownBest is the best score the model knows to be possible (a proven
	// optimum); nil when it names none.
	KnownBest *float64 `json:"known_best"`
}

// ErrReply: the model's reply does not follow the format. The error's
// text says what was wrong, for the model to fix.
var ErrReply = errors.New("the reply does not follow the format")

// fence is the opening line of a fenced block that names a file:
// "```python evaluator.py", "```evaluator.py" or "```json task.json".
var fence = regexp.MustCompile("^```[ \t]*(?:[A-Za-z0-9_+-]+[ \t]+)?([A-Za-z0-9_.-]+\\.(?:py|json))[ \t]*$")

// metricName is what a primary metric may be called: a Python identifier,
// so it can neither break the campaign file nor name something odd.
var metricName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

// Parse reads a reply in Format. Every file must appear once, in a fenced
// block whose opening line names it; text outside the blocks is ignored.
// The error wraps ErrReply and lists every problem found.
func Parse(reply string) (Draft, error) {
	blocks, problems := fencedFiles(reply)
	var d Draft
	for _, name := range []string{EvaluatorFile, InitialFile, MetaFile} {
		if _, ok := blocks[name]; !ok {
			problems = append(problems, fmt.Sprintf("no %s block: open it with a line ```%s and close it with a line ```", name, name))
		}
	}
	d.Evaluator, d.Initial = blocks[EvaluatorFile], blocks[InitialFile]
	if text, ok := blocks[MetaFile]; ok {
		meta, err := parseMeta(text)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", MetaFile, err))
		}
		d.Meta = meta
	}
	for _, name := range []string{EvaluatorFile, InitialFile} {
		if text, ok := blocks[name]; ok && strings.TrimSpace(text) == "" {
			problems = append(problems, fmt.Sprintf("the %s block is empty", name))
		}
	}
	if len(problems) > 0 {
		return d, fmt.Errorf("%w:\n- %s", ErrReply, strings.Join(problems, "\n- "))
	}
	return d, nil
}

// fencedFiles returns the text of each fenced block that names a file,
// and the problems: a file named twice, a name asi does not take, a block
// never closed.
func fencedFiles(reply string) (map[string]string, []string) {
	blocks := map[string]string{}
	var problems []string
	lines := strings.Split(strings.ReplaceAll(reply, "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		m := fence.FindStringSubmatch(strings.TrimSpace(lines[i]))
		if m == nil {
			continue
		}
		name := m[1]
		end := -1
		for j := i + 1; j < len(lines); j++ {
			if strings.TrimSpace(lines[j]) == "```" {
				end = j
				break
			}
		}
		if end < 0 {
			problems = append(problems, fmt.Sprintf("the %s block is never closed with a line ```", name))
			break
		}
		switch {
		case name != EvaluatorFile && name != InitialFile && name != MetaFile:
			problems = append(problems, fmt.Sprintf("a block names %s; write only %s, %s and %s", name, EvaluatorFile, InitialFile, MetaFile))
		case hasBlock(blocks, name):
			problems = append(problems, fmt.Sprintf("%s appears twice; write each file once", name))
		default:
			blocks[name] = strings.Join(lines[i+1:end], "\n") + "\n"
		}
		i = end
	}
	return blocks, problems
}

func hasBlock(blocks map[string]string, name string) bool {
	_, ok := blocks[name]
	return ok
}

// parseMeta reads task.json strictly: one object, known fields only.
func parseMeta(text string) (Meta, error) {
	var m Meta
	dec := json.NewDecoder(bytes.NewReader([]byte(text)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return Meta{}, fmt.Errorf("not the JSON object asked for (statement, primary, direction, known_best): %v", err)
	}
	if dec.More() {
		return Meta{}, errors.New("more than one JSON value; write one object")
	}
	var problems []string
	if strings.TrimSpace(m.Statement) == "" {
		problems = append(problems, "statement is missing")
	}
	if m.Primary == "" {
		m.Primary = "combined_score"
	}
	if !metricName.MatchString(m.Primary) {
		problems = append(problems, fmt.Sprintf("primary %q is not a metric name (letters, digits and _)", m.Primary))
	}
	if m.Direction != "maximize" && m.Direction != "minimize" {
		problems = append(problems, fmt.Sprintf("direction %q: use \"maximize\" or \"minimize\"", m.Direction))
	}
	if len(problems) > 0 {
		return m, errors.New(strings.Join(problems, "; "))
	}
	return m, nil
}
