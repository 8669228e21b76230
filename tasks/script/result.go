package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/asi-evolve/asi/sdk"
)

// Bounds on what goes into a node from an evaluation.
const (
	feedbackLimit = 8 << 10
	artifactLimit = 64 << 10
)

// runnerResult is what asi_run.py reports.
type runnerResult struct {
	Metrics   map[string]any    `json:"metrics"`
	Valid     bool              `json:"valid"`
	Feedback  string            `json:"feedback"`
	Artifacts map[string]string `json:"artifacts"`
	Error     string            `json:"error"`
}

// quoteNonFinite rewrites Python's NaN, Infinity and -Infinity tokens,
// which JSON lacks, as strings outside of strings, so the document parses
// and a metric that is not finite is seen for what it is.
func quoteNonFinite(data []byte) []byte {
	var out bytes.Buffer
	inString, escaped := false, false
	for i := 0; i < len(data); i++ {
		ch := data[i]
		if inString {
			out.WriteByte(ch)
			switch {
			case escaped:
				escaped = false
			case ch == '\\':
				escaped = true
			case ch == '"':
				inString = false
			}
			continue
		}
		if ch == '"' {
			inString = true
		}
		replaced := false
		for _, tok := range []string{"-Infinity", "Infinity", "NaN"} {
			if bytes.HasPrefix(data[i:], []byte(tok)) {
				out.WriteString(`"` + tok + `"`)
				i += len(tok) - 1
				replaced = true
				break
			}
		}
		if !replaced {
			out.WriteByte(ch)
		}
	}
	return out.Bytes()
}

// decodeObject reads one JSON object, Python's non-finite tokens allowed.
func decodeObject(data []byte, v any) error {
	return json.Unmarshal(quoteNonFinite(bytes.TrimSpace(data)), v)
}

// number reads a metric's value: a JSON number or a non-finite token; a
// bool or anything else is not a metric.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case string:
		switch x {
		case "NaN":
			return math.NaN(), true
		case "Infinity":
			return math.Inf(1), true
		case "-Infinity":
			return math.Inf(-1), true
		}
	}
	return 0, false
}

// splitValues puts numbers into metrics and the rest, as text, into
// artifacts.
func splitValues(values map[string]any, metrics map[string]float64, artifacts map[string][]byte) {
	for k, v := range values {
		if f, ok := number(v); ok {
			metrics[k] = f
			continue
		}
		if s, ok := v.(string); ok {
			artifacts[k] = []byte(s)
			continue
		}
		if b, err := json.Marshal(v); err == nil {
			artifacts[k] = b
		}
	}
}

// fromRunner turns the runner's report into a result.
func fromRunner(raw []byte) (sdk.Result, error) {
	var rr runnerResult
	if err := decodeObject(raw, &rr); err != nil {
		return sdk.Result{}, fmt.Errorf("the runner's result is not JSON: %v", err)
	}
	res := sdk.Result{Metrics: map[string]float64{}, Artifacts: map[string][]byte{}, Valid: rr.Valid, Feedback: rr.Feedback}
	splitValues(rr.Metrics, res.Metrics, res.Artifacts)
	for k, v := range rr.Artifacts {
		res.Artifacts[k] = []byte(v)
	}
	if rr.Error != "" {
		res.Artifacts["traceback"] = []byte(rr.Error)
		if res.Feedback == "" {
			res.Feedback = rr.Error
		}
	}
	return res, nil
}

// fromResultsJSON reads ASI-Evolve's results.json: eval_score, success and
// whatever else the script wrote.
func fromResultsJSON(raw []byte) (sdk.Result, error) {
	var values map[string]any
	if err := decodeObject(raw, &values); err != nil {
		return sdk.Result{}, fmt.Errorf("results.json is not a JSON object: %v", err)
	}
	return fromValues(values, "success"), nil
}

// fromStdout reads the json contract's output: one JSON object, the whole
// output or its last line.
func fromStdout(raw []byte) (sdk.Result, error) {
	var values map[string]any
	err := decodeObject(raw, &values)
	if err != nil {
		lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
		if err2 := decodeObject([]byte(lines[len(lines)-1]), &values); err2 != nil {
			return sdk.Result{}, fmt.Errorf("the command printed no JSON object (%v): %s", err, sdk.Tail(raw, 300))
		}
	}
	return fromValues(values, "valid"), nil
}

// fromValues reads a flat object of metrics; validKey, when present and
// false, marks the candidate failed; "feedback", "error" or "message" text
// becomes feedback.
func fromValues(values map[string]any, validKey string) sdk.Result {
	res := sdk.Result{Metrics: map[string]float64{}, Artifacts: map[string][]byte{}, Valid: true}
	if v, ok := values[validKey].(bool); ok {
		res.Valid = v
		delete(values, validKey)
	}
	var notes []string
	for _, k := range []string{"feedback", "error", "message"} {
		if s, ok := values[k].(string); ok && s != "" {
			notes = append(notes, s)
			delete(values, k)
		}
	}
	res.Feedback = strings.Join(notes, "\n")
	splitValues(values, res.Metrics, res.Artifacts)
	return res
}

// scored checks a result's primary metric: missing, with combined_score as
// primary, it is the mean of the other metrics (as OpenEvolve scores an
// evaluator that reports none); missing otherwise, the candidate is
// invalid, with a note saying so.
func (c *config) scored(res sdk.Result) sdk.Result {
	if _, ok := res.Metrics[c.primary]; ok || !res.Valid {
		return res
	}
	if c.primary == "combined_score" && len(res.Metrics) > 0 {
		sum := 0.0
		for _, v := range res.Metrics {
			sum += v
		}
		res.Metrics[c.primary] = sum / float64(len(res.Metrics))
		return res
	}
	names := slices.Sorted(maps.Keys(res.Metrics))
	res.Valid = false
	res.Feedback = strings.TrimSpace(fmt.Sprintf("the evaluator reported no %q metric (it reported: %s)\n%s", c.primary, strings.Join(names, ", "), res.Feedback))
	return res
}

// clip keeps the end of text within limit bytes, on a rune boundary.
func clip(text string, limit int) string {
	if len(text) <= limit {
		return text
	}
	return sdk.Tail([]byte(text), limit)
}
