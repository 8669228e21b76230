package main

import "math"

// Baseline optimizers the plugin runs itself, on the same problems and the
// same number of steps as the candidate. Adam is the reference the score is
// normalised against; plain SGD is reported beside it.
const (
	adamLR    = 0.05
	adamBeta1 = 0.9
	adamBeta2 = 0.999
	adamEps   = 1e-8
	sgdLR     = 0.001
)

// train runs steps updates of update on p from its initial parameters.
func train(p Problem, steps int, update func(x, g []float64, t int)) []float64 {
	x := append([]float64(nil), p.Init...)
	for t := 1; t <= steps; t++ {
		update(x, p.Train(x), t)
	}
	return x
}

// adam returns an update function with fresh Adam state for n parameters.
func adam(n int) func(x, g []float64, t int) {
	m, v := make([]float64, n), make([]float64, n)
	return func(x, g []float64, t int) {
		c1 := 1 - math.Pow(adamBeta1, float64(t))
		c2 := 1 - math.Pow(adamBeta2, float64(t))
		for i := range x {
			m[i] = adamBeta1*m[i] + (1-adamBeta1)*g[i]
			v[i] = adamBeta2*v[i] + (1-adamBeta2)*g[i]*g[i]
			x[i] -= adamLR * (m[i] / c1) / (math.Sqrt(v[i]/c2) + adamEps)
		}
	}
}

func sgd(x, g []float64, _ int) {
	for i := range x {
		x[i] -= sgdLR * g[i]
	}
}
