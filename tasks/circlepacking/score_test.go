package main

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// gridPacking is the valid packing in testdata/grid.json: a 5x5 grid of
// radius 0.1 and a circle of radius 0.04 in the gap at (0.2, 0.2).
func gridPacking(t testing.TB) Packing {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "grid.json"))
	if err != nil {
		t.Fatal(err)
	}
	var p Packing
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func marshal(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestScoreValid(t *testing.T) {
	grid, err := os.ReadFile(filepath.Join("testdata", "grid.json"))
	if err != nil {
		t.Fatal(err)
	}
	sum, metrics, err := Score(grid)
	if err != nil {
		t.Fatalf("Score(grid) error: %v", err)
	}
	if want := 25*0.1 + 0.04; math.Abs(sum-want) > 1e-12 {
		t.Errorf("sum = %.15f, want %.15f", sum, want)
	}
	if metrics[MetricSumRadii] != sum {
		t.Errorf("metric %s = %v, want the sum %v", MetricSumRadii, metrics[MetricSumRadii], sum)
	}
	// Neighbouring grid circles touch: the smallest gap is about 0.
	if gap := metrics[MetricMinGap]; math.Abs(gap) > 1e-12 {
		t.Errorf("min gap = %g, want about 0", gap)
	}
	if std := metrics[MetricRadiusStd]; !(std > 0.01 && std < 0.02) {
		t.Errorf("radius std = %g, want about 0.0118", std)
	}
}

func TestScoreInvalid(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(p *Packing)
		raw     func(valid string) string // edits the valid JSON text instead
		wantErr error
		wantMsg string
	}{
		{
			name: "circles 3 and 17 overlap",
			mutate: func(p *Packing) {
				p.Centers[17] = [2]float64{0.75, 0.1}
				p.Radii[17] = 0.01
			},
			wantErr: ErrOverlap,
			wantMsg: "circles 3 and 17 overlap by 0.06; 1 pairs overlap",
		},
		{
			name:    "circle crosses the left wall",
			mutate:  func(p *Packing) { p.Centers[0][0] = 0.05 },
			wantErr: ErrOutside,
			wantMsg: "circle 0 (center 0.05, 0.1, radius 0.1) crosses a wall by 0.05",
		},
		{
			name:    "circle crosses the top wall",
			mutate:  func(p *Packing) { p.Radii[22] = 0.2 },
			wantErr: ErrOutside,
			wantMsg: "circle 22",
		},
		{
			name: "25 circles",
			mutate: func(p *Packing) {
				p.Centers, p.Radii = p.Centers[:25], p.Radii[:25]
			},
			wantErr: ErrCount,
			wantMsg: "25 centers and 25 radii, want 26",
		},
		{
			name:    "more radii than centers",
			mutate:  func(p *Packing) { p.Radii = append(p.Radii, 0.01) },
			wantErr: ErrCount,
		},
		{
			name:    "zero radius",
			mutate:  func(p *Packing) { p.Radii[25] = 0 },
			wantErr: ErrRadius,
			wantMsg: "circle 25 has radius 0",
		},
		{
			name:    "negative radius",
			mutate:  func(p *Packing) { p.Radii[4] = -0.1 },
			wantErr: ErrRadius,
		},
		{
			name:    "NaN",
			raw:     func(s string) string { return strings.Replace(s, "0.04", "NaN", 1) },
			wantErr: ErrMalformed,
		},
		{
			name:    "number too large for float64",
			raw:     func(s string) string { return strings.Replace(s, "0.04", "1e400", 1) },
			wantErr: ErrMalformed,
			wantMsg: "radii[25]",
		},
		{
			name:    "center with three coordinates",
			raw:     func(s string) string { return strings.Replace(s, "[0.2,0.2]", "[0.2,0.2,0.2]", 1) },
			wantErr: ErrMalformed,
			wantMsg: "centers[25]",
		},
		{
			name:    "log line before the JSON",
			raw:     func(s string) string { return "done\n" + s },
			wantErr: ErrMalformed,
		},
		{
			name:    "second object after the JSON",
			raw:     func(s string) string { return s + "\n{}" },
			wantErr: ErrMalformed,
			wantMsg: "text after the JSON object",
		},
		{
			name:    "missing radii",
			raw:     func(s string) string { return strings.Replace(s, `"radii"`, `"radius"`, 1) },
			wantErr: ErrMalformed,
		},
		{
			name:    "empty output",
			raw:     func(string) string { return "" },
			wantErr: ErrMalformed,
		},
		{
			name:    "output over the size limit",
			raw:     func(s string) string { return s + strings.Repeat(" ", maxOutput) },
			wantErr: ErrMalformed,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := gridPacking(t)
			var out []byte
			if tt.mutate != nil {
				tt.mutate(&p)
				out = marshal(t, p)
			} else {
				out = []byte(tt.raw(string(marshal(t, p))))
			}
			sum, metrics, err := Score(out)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("err %q does not contain %q", err, tt.wantMsg)
			}
			if sum != 0 || metrics != nil {
				t.Errorf("invalid packing scored %v with metrics %v", sum, metrics)
			}
		})
	}
}

func TestScoreIgnoresClaimedScore(t *testing.T) {
	p := gridPacking(t)
	valid := string(marshal(t, p))
	out := `{"score": 1000, "sum_radii": 1000,` + strings.TrimPrefix(valid, "{")
	sum, metrics, err := Score([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	if want := 2.54; math.Abs(sum-want) > 1e-12 || metrics[MetricSumRadii] != sum {
		t.Errorf("sum = %v (metric %v), want %v", sum, metrics[MetricSumRadii], want)
	}
}

// referenceValid is a deliberately plain re-statement of the rules, to check
// Score against in the fuzz test.
func referenceValid(p Packing) (float64, bool) {
	if len(p.Centers) != NumCircles || len(p.Radii) != NumCircles {
		return 0, false
	}
	sum := 0.0
	for i := range NumCircles {
		x, y, r := p.Centers[i][0], p.Centers[i][1], p.Radii[i]
		if math.IsNaN(x+y+r) || math.IsInf(x+y+r, 0) || !(r > 0) {
			return 0, false
		}
		if x-r < -Tolerance || y-r < -Tolerance || x+r > 1+Tolerance || y+r > 1+Tolerance {
			return 0, false
		}
		for j := range i {
			dx, dy := x-p.Centers[j][0], y-p.Centers[j][1]
			if math.Sqrt(dx*dx+dy*dy) < r+p.Radii[j]-Tolerance {
				return 0, false
			}
		}
		sum += r
	}
	return sum, true
}

func FuzzScore(f *testing.F) {
	grid, err := os.ReadFile(filepath.Join("testdata", "grid.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(grid)
	f.Add([]byte(strings.Replace(string(grid), "0.04", "0.05", 1)))
	f.Add([]byte(strings.Replace(string(grid), "[0.2, 0.2]", "[0.2, 0.2, 1]", 1)))
	f.Add([]byte(`{"centers": [], "radii": []}`))
	f.Add([]byte(`{"centers": null}`))
	f.Add([]byte(`[1, 2]`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, out []byte) {
		sum, metrics, err := Score(out)
		if err != nil {
			if sum != 0 || metrics != nil {
				t.Fatalf("error %v came with score %v", err, sum)
			}
			return
		}
		p, perr := parse(out)
		if perr != nil {
			t.Fatalf("Score accepted output that parse rejects: %v", perr)
		}
		want, ok := referenceValid(p)
		if !ok {
			t.Fatalf("Score accepted an invalid packing: %s", out)
		}
		if math.Abs(sum-want) > 1e-9 || metrics[MetricSumRadii] != sum {
			t.Fatalf("sum %v, reference %v", sum, want)
		}
	})
}
