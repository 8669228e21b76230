package cognition

import (
	"math"
	"testing"
)

func TestCosine(t *testing.T) {
	tests := []struct {
		name string
		a, b []float32
		want float64
	}{
		{"same direction, different lengths", []float32{1, 2, 2}, []float32{2, 4, 4}, 1},
		{"opposite", []float32{1, 0}, []float32{-3, 0}, -1},
		{"orthogonal", []float32{1, 0}, []float32{0, 5}, 0},
		{"45 degrees", []float32{1, 0}, []float32{1, 1}, 1 / math.Sqrt2},
		{"zero vector", []float32{0, 0}, []float32{1, 1}, 0},
		{"different dimensions", []float32{1, 0}, []float32{1, 0, 0}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Cosine(tt.a, tt.b); math.Abs(got-tt.want) > 1e-9 {
				t.Fatalf("Cosine(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

// TestCosineOfUnitVectors checks that the unit-vector form the stores use
// agrees with Cosine once the vectors are scaled to length 1.
func TestCosineOfUnitVectors(t *testing.T) {
	a, b := []float32{3, 4, 0}, []float32{1, 2, 3}
	want := Cosine(a, b)
	if got := unitCosine(unit(a), unit(b)); math.Abs(got-want) > 1e-6 {
		t.Fatalf("cosine of unit vectors = %v, Cosine = %v", got, want)
	}
}
