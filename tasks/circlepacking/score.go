package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
)

const (
	// NumCircles is how many circles a packing must have.
	NumCircles = 26
	// Tolerance is how far a circle may cross a wall or another circle and
	// still count as not crossing, to forgive floating-point rounding.
	Tolerance = 1e-9
	// maxOutput bounds the output Score reads; a valid answer is ~2KB.
	maxOutput = 64 << 10
)

// Packing is a parsed answer: Centers[i] is the (x, y) of circle i.
type Packing struct {
	Centers [][2]float64 `json:"centers"`
	Radii   []float64    `json:"radii"`
}

// Score parses a program's stdout, checks the packing and returns the sum of
// its radii with the other metrics. Every number is computed here from the
// centres and radii; fields the program adds (a claimed "score") are
// ignored. An invalid packing returns an error wrapping one of the Err
// values and naming what is wrong; sum is then 0 and metrics nil.
func Score(output []byte) (sum float64, metrics map[string]float64, err error) {
	p, err := parse(output)
	if err != nil {
		return 0, nil, err
	}
	if err := check(p); err != nil {
		return 0, nil, err
	}
	return measure(p)
}

// parse reads exactly one JSON object with "centers" and "radii", allowing
// surrounding whitespace and nothing else.
func parse(output []byte) (Packing, error) {
	if len(output) > maxOutput {
		return Packing{}, fmt.Errorf("%w: %d bytes of output, at most %d allowed", ErrMalformed, len(output), maxOutput)
	}
	var raw struct {
		Centers []json.RawMessage `json:"centers"`
		Radii   []json.RawMessage `json:"radii"`
	}
	dec := json.NewDecoder(bytes.NewReader(output))
	if err := dec.Decode(&raw); err != nil {
		return Packing{}, fmt.Errorf("%w: %w (stdout must hold only the JSON object; print logs to stderr)", ErrMalformed, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Packing{}, fmt.Errorf("%w: text after the JSON object at byte %d (print logs to stderr)", ErrMalformed, dec.InputOffset())
	}
	if raw.Centers == nil || raw.Radii == nil {
		return Packing{}, fmt.Errorf("%w: need both \"centers\" and \"radii\" arrays", ErrMalformed)
	}
	if len(raw.Centers) != NumCircles || len(raw.Radii) != NumCircles {
		return Packing{}, fmt.Errorf("%w: %d centers and %d radii, want %d of each", ErrCount, len(raw.Centers), len(raw.Radii), NumCircles)
	}
	p := Packing{Centers: make([][2]float64, NumCircles), Radii: make([]float64, NumCircles)}
	for i, c := range raw.Centers {
		var xy []float64
		if err := json.Unmarshal(c, &xy); err != nil || len(xy) != 2 {
			return Packing{}, fmt.Errorf("%w: centers[%d] is %.40s, want [x, y]", ErrMalformed, i, c)
		}
		p.Centers[i] = [2]float64{xy[0], xy[1]}
	}
	for i, r := range raw.Radii {
		if err := json.Unmarshal(r, &p.Radii[i]); err != nil {
			return Packing{}, fmt.Errorf("%w: radii[%d] is %.40s, want a number", ErrMalformed, i, r)
		}
	}
	return p, nil
}

// check verifies the packing and, when it fails, names the worst offender.
func check(p Packing) error {
	for i := range NumCircles {
		x, y, r := p.Centers[i][0], p.Centers[i][1], p.Radii[i]
		for _, v := range []float64{x, y, r} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%w: circle %d has %v", ErrNotFinite, i, v)
			}
		}
		if r <= 0 {
			return fmt.Errorf("%w: circle %d has radius %g", ErrRadius, i, r)
		}
	}

	worst, worstCircle, outside := 0.0, -1, 0
	for i := range NumCircles {
		if over := -wallGap(p, i); over > Tolerance {
			outside++
			if over > worst {
				worst, worstCircle = over, i
			}
		}
	}
	if outside > 0 {
		c := p.Centers[worstCircle]
		return fmt.Errorf("%w: circle %d (center %.6g, %.6g, radius %.6g) crosses a wall by %.3g; %d of %d circles cross a wall",
			ErrOutside, worstCircle, c[0], c[1], p.Radii[worstCircle], worst, outside, NumCircles)
	}

	worst, overlapping := 0.0, 0
	var a, b int
	for i := range NumCircles {
		for j := i + 1; j < NumCircles; j++ {
			if over := -pairGap(p, i, j); over > Tolerance {
				overlapping++
				if over > worst {
					worst, a, b = over, i, j
				}
			}
		}
	}
	if overlapping > 0 {
		return fmt.Errorf("%w: circles %d and %d overlap by %.3g; %d pairs overlap", ErrOverlap, a, b, worst, overlapping)
	}
	return nil
}

// measure computes the metrics of a checked packing.
func measure(p Packing) (float64, map[string]float64, error) {
	var sum, centerDist float64
	minGap := math.Inf(1)
	for i := range NumCircles {
		sum += p.Radii[i]
		centerDist += math.Hypot(p.Centers[i][0]-0.5, p.Centers[i][1]-0.5)
		minGap = math.Min(minGap, wallGap(p, i))
		for j := i + 1; j < NumCircles; j++ {
			minGap = math.Min(minGap, pairGap(p, i, j))
		}
	}
	mean := sum / NumCircles
	var variance float64
	for _, r := range p.Radii {
		variance += (r - mean) * (r - mean)
	}
	metrics := map[string]float64{
		MetricSumRadii:       sum,
		MetricMinGap:         minGap,
		MetricRadiusStd:      math.Sqrt(variance / NumCircles),
		MetricCenterDistance: centerDist / NumCircles,
	}
	return sum, metrics, nil
}

// wallGap is the distance from circle i to the nearest wall; negative when
// the circle crosses it.
func wallGap(p Packing, i int) float64 {
	x, y, r := p.Centers[i][0], p.Centers[i][1], p.Radii[i]
	return math.Min(math.Min(x-r, y-r), math.Min(1-x-r, 1-y-r))
}

// pairGap is the distance between the rims of circles i and j; negative when
// they overlap.
func pairGap(p Packing, i, j int) float64 {
	d := math.Hypot(p.Centers[i][0]-p.Centers[j][0], p.Centers[i][1]-p.Centers[j][1])
	return d - p.Radii[i] - p.Radii[j]
}
