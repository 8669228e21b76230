package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"regexp"
)

const (
	// maxOutput bounds the output Score reads; a valid answer is ~2KB.
	maxOutput = 256 << 10
	// clampDecades bounds each problem's log-ratio, so one problem cannot
	// decide the score alone and a diverged run has a finite floor.
	clampDecades = 3.0
	// tinyLoss keeps log-ratios finite when a loss reaches exactly 0.
	tinyLoss = 1e-300
)

// nonFinite matches the tokens Python's json module writes for NaN and the
// infinities, which are not JSON; Score turns them into null to name them.
var nonFinite = regexp.MustCompile(`-?Infinity|NaN`)

// Outcome is the scored result of one problem.
type Outcome struct {
	Problem  string
	Loss     float64 // held-out loss of the candidate's parameters
	Adam     float64 // held-out loss of the plugin's Adam on the same problem
	SGD      float64 // held-out loss of the plugin's plain SGD
	VsAdam   float64 // log10(Adam / Loss), clamped: > 0 beats Adam
	SGDRatio float64 // the same for plain SGD
}

// Score parses the candidate's stdout and scores the final parameters of
// every problem against the baselines. Every loss is computed here, from
// the parameters alone; any other field the program prints is ignored. An
// error wraps one of the Err values.
func Score(output []byte, suite []Problem, adamParams, sgdParams [][]float64) (float64, []Outcome, error) {
	params, err := parse(output, suite)
	if err != nil {
		return 0, nil, err
	}
	total := 0.0
	outcomes := make([]Outcome, len(suite))
	for i, p := range suite {
		o := Outcome{Problem: p.Name, Loss: p.Heldout(params[i]), Adam: p.Heldout(adamParams[i]), SGD: p.Heldout(sgdParams[i])}
		o.VsAdam = logRatio(o.Adam, o.Loss)
		o.SGDRatio = logRatio(o.Adam, o.SGD)
		outcomes[i] = o
		total += o.VsAdam
	}
	return total / float64(len(suite)), outcomes, nil
}

// logRatio is log10(ref/loss) clamped to ±clampDecades; a non-finite loss
// (overflow in the loss itself) is the floor.
func logRatio(ref, loss float64) float64 {
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return -clampDecades
	}
	r := math.Log10(math.Max(ref, tinyLoss) / math.Max(loss, tinyLoss))
	return math.Max(-clampDecades, math.Min(clampDecades, r))
}

// parse reads exactly one JSON object {"params": {name: [numbers]}} and
// checks that every problem has finite parameters of the right count.
func parse(output []byte, suite []Problem) ([][]float64, error) {
	if len(output) > maxOutput {
		return nil, fmt.Errorf("%w: %d bytes of output, at most %d allowed", ErrMalformed, len(output), maxOutput)
	}
	output = nonFinite.ReplaceAll(output, []byte("null"))
	var raw struct {
		Params map[string][]*float64 `json:"params"`
	}
	dec := json.NewDecoder(bytes.NewReader(output))
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("%w: %w (stdout must hold only the harness's JSON object; print logs to stderr)", ErrMalformed, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: text after the JSON object at byte %d (print logs to stderr)", ErrMalformed, dec.InputOffset())
	}
	out := make([][]float64, len(suite))
	for i, p := range suite {
		got, ok := raw.Params[p.Name]
		if !ok {
			return nil, fmt.Errorf("%w: no parameters for %q", ErrMissing, p.Name)
		}
		if len(got) != len(p.Init) {
			return nil, fmt.Errorf("%w: %s has %d parameters, want %d", ErrShape, p.Name, len(got), len(p.Init))
		}
		out[i] = make([]float64, len(got))
		for j, v := range got {
			if v == nil || math.IsNaN(*v) || math.IsInf(*v, 0) {
				return nil, fmt.Errorf("%w: %s parameter %d is NaN or infinite", ErrNotFinite, p.Name, j)
			}
			out[i][j] = *v
		}
	}
	return out, nil
}
