package main

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Problem is one training problem of the suite, generated from a seed. The
// candidate's harness receives Init and Data (the training side); Heldout
// stays in the plugin and scores the parameters the candidate returns.
type Problem struct {
	Name string         `json:"name"` // unique in a suite: kind/instance
	Kind string         `json:"kind"` // one of the Problem constants
	Init []float64      `json:"params"`
	Data map[string]any `json:"data"`
	// Train is the training loss's gradient, which the harness computes
	// with the same formulas; the plugin uses it for the baselines.
	Train func(p []float64) []float64 `json:"-"`
	// Heldout is the loss the score uses: on data the candidate never saw
	// for the learning problems, the objective itself for the others.
	Heldout func(p []float64) float64 `json:"-"`
}

// Names of the problems, in suite order.
const (
	ProblemQuadratic  = "quadratic"
	ProblemRosenbrock = "rosenbrock"
	ProblemLogistic   = "logistic"
	ProblemMLP        = "mlp"
)

// Sizes of the suite, small enough that the harness trains all four in a
// few seconds of sandboxed Python.
const (
	quadDim      = 10
	quadMinEig   = 0.01
	quadMaxEig   = 10.0
	rosenDim     = 4
	rosenB       = 100.0
	logDim       = 8
	logTrain     = 128
	logTest      = 1024
	logL2        = 1e-3
	mlpIn        = 2
	mlpHidden    = 8
	mlpTeacher   = 16
	mlpTrain     = 64
	mlpTest      = 512
	mlpNoise     = 0.1
	mlpParamSize = mlpHidden*mlpIn + mlpHidden + mlpHidden + 1
	// maxScale bounds the loss scale of a problem: it is drawn
	// log-uniformly from [1/maxScale, maxScale].
	maxScale = 5.0
)

// mix spreads a seed over 64 bits (splitmix64), so that neighbouring seeds
// give unrelated problems.
func mix(seed int64) uint64 {
	z := uint64(seed) + 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Kinds are the problem kinds, in suite order.
var Kinds = []string{ProblemQuadratic, ProblemRosenbrock, ProblemLogistic, ProblemMLP}

// Suite generates instances problems of each kind for seed, named
// kind/1, kind/2, ...: averaging over several instances keeps one lucky
// draw from deciding a score.
func Suite(seed int64, instances int) []Problem {
	rng := rand.New(rand.NewPCG(mix(seed), 0x6f7074))
	var suite []Problem
	for i := 1; i <= instances; i++ {
		for _, p := range []Problem{quadratic(rng), rosenbrock(rng), logistic(rng), mlp(rng)} {
			p.Kind, p.Name = p.Name, fmt.Sprintf("%s/%d", p.Name, i)
			suite = append(suite, scaled(p, math.Exp(rng.Float64()*2*math.Log(maxScale))/maxScale))
		}
	}
	return suite
}

// scaled multiplies p's loss by s: the problems of a suite come at
// different scales, as the layers and losses of real models do, so a fixed
// step size cannot suit them all. The harness applies the same factor to
// its gradients (data "scale").
func scaled(p Problem, s float64) Problem {
	train, heldout := p.Train, p.Heldout
	p.Data["scale"] = s
	p.Train = func(x []float64) []float64 {
		g := train(x)
		for i := range g {
			g[i] *= s
		}
		return g
	}
	p.Heldout = func(x []float64) float64 { return s * heldout(x) }
	return p
}

func normals(rng *rand.Rand, n int, scale float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = scale * rng.NormFloat64()
	}
	return v
}

// quadratic is f(x) = 0.5 x'Ax - c'x with A = Q diag(eig) Q', eigenvalues
// log-spaced over three decades and Q a random rotation: its optimum
// x* = A^-1 c is drawn, and the score is f(x) - f(x*), 0 at the optimum.
func quadratic(rng *rand.Rand) Problem {
	q := randomRotation(rng, quadDim)
	a := make([][]float64, quadDim)
	for i := range a {
		a[i] = make([]float64, quadDim)
	}
	for k := range quadDim {
		eig := quadMinEig * math.Pow(quadMaxEig/quadMinEig, float64(k)/float64(quadDim-1))
		for i := range quadDim {
			for j := range quadDim {
				a[i][j] += eig * q[k][i] * q[k][j]
			}
		}
	}
	xstar := normals(rng, quadDim, 1)
	c := matVec(a, xstar)
	init := normals(rng, quadDim, 1)
	return Problem{
		Name: ProblemQuadratic, Init: init,
		Data: map[string]any{"A": a, "c": c},
		Train: func(x []float64) []float64 {
			g := matVec(a, x)
			for i := range g {
				g[i] -= c[i]
			}
			return g
		},
		Heldout: func(x []float64) float64 {
			d := make([]float64, quadDim)
			for i := range d {
				d[i] = x[i] - xstar[i]
			}
			return 0.5 * dot(d, matVec(a, d))
		},
	}
}

// randomRotation returns an orthonormal basis (rows) by Gram-Schmidt on
// Gaussian vectors.
func randomRotation(rng *rand.Rand, n int) [][]float64 {
	q := make([][]float64, 0, n)
	for len(q) < n {
		v := normals(rng, n, 1)
		for _, u := range q {
			p := dot(u, v)
			for i := range v {
				v[i] -= p * u[i]
			}
		}
		norm := math.Sqrt(dot(v, v))
		if norm < 1e-6 {
			continue
		}
		for i := range v {
			v[i] /= norm
		}
		q = append(q, v)
	}
	return q
}

// rosenbrock is the chained Rosenbrock function of y = x - s,
// sum (1 - y_i)^2 + b (y_{i+1} - y_i^2)^2, with a shift s drawn per seed:
// its minimum, 0, is at x = s + 1, and the score is the value itself.
func rosenbrock(rng *rand.Rand) Problem {
	shift := make([]float64, rosenDim)
	for i := range shift {
		shift[i] = rng.Float64() - 0.5
	}
	init := normals(rng, rosenDim, 0.3)
	for i := range init {
		init[i] += shift[i]
	}
	return Problem{
		Name: ProblemRosenbrock, Init: init,
		Data: map[string]any{"shift": shift, "b": rosenB},
		Train: func(x []float64) []float64 {
			g := make([]float64, len(x))
			for i := 0; i+1 < len(x); i++ {
				yi, yj := x[i]-shift[i], x[i+1]-shift[i+1]
				r := yj - yi*yi
				g[i] += -2*(1-yi) - 4*rosenB*yi*r
				g[i+1] += 2 * rosenB * r
			}
			return g
		},
		Heldout: func(x []float64) float64 {
			f := 0.0
			for i := 0; i+1 < len(x); i++ {
				yi, yj := x[i]-shift[i], x[i+1]-shift[i+1]
				r := yj - yi*yi
				f += (1-yi)*(1-yi) + rosenB*r*r
			}
			return f
		},
	}
}

// logistic is L2-regularised logistic regression on labels drawn from a
// random linear model; params are the weights then the bias, and the score
// is the cross-entropy on a test set the candidate never sees.
func logistic(rng *rand.Rand) Problem {
	w := normals(rng, logDim, 1.5)
	bias := 0.5 * rng.NormFloat64()
	sample := func(n int) ([][]float64, []float64) {
		xs, ys := make([][]float64, n), make([]float64, n)
		for i := range xs {
			xs[i] = normals(rng, logDim, 1)
			if rng.Float64() < sigmoid(dot(w, xs[i])+bias) {
				ys[i] = 1
			}
		}
		return xs, ys
	}
	trainX, trainY := sample(logTrain)
	testX, testY := sample(logTest)
	return Problem{
		Name: ProblemLogistic, Init: make([]float64, logDim+1),
		Data: map[string]any{"X": trainX, "y": trainY, "l2": logL2},
		Train: func(p []float64) []float64 {
			g := make([]float64, len(p))
			for i, x := range trainX {
				e := sigmoid(dot(p[:logDim], x)+p[logDim]) - trainY[i]
				for j := range logDim {
					g[j] += e * x[j] / logTrain
				}
				g[logDim] += e / logTrain
			}
			for j := range logDim {
				g[j] += logL2 * p[j]
			}
			return g
		},
		Heldout: func(p []float64) float64 {
			loss := 0.0
			for i, x := range testX {
				z := dot(p[:logDim], x) + p[logDim]
				// log(1 + e^z) - y z, written to stay finite for large |z|.
				loss += math.Max(z, 0) + math.Log1p(math.Exp(-math.Abs(z))) - testY[i]*z
			}
			return loss / logTest
		},
	}
}

func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// mlp is regression with a 2-8-1 tanh network on data from a wider random
// tanh network plus noise; params are W1 (row-major, hidden x in), b1, W2,
// b2, and the score is the mean squared error on unseen points.
func mlp(rng *rand.Rand) Problem {
	tw1 := normals(rng, mlpTeacher*mlpIn, 1.5)
	tb1 := normals(rng, mlpTeacher, 0.5)
	tw2 := normals(rng, mlpTeacher, 1/math.Sqrt(mlpTeacher))
	teacher := func(x []float64) float64 {
		y := 0.0
		for h := range mlpTeacher {
			y += tw2[h] * math.Tanh(tw1[h*mlpIn]*x[0]+tw1[h*mlpIn+1]*x[1]+tb1[h])
		}
		return y
	}
	sample := func(n int) ([][]float64, []float64) {
		xs, ys := make([][]float64, n), make([]float64, n)
		for i := range xs {
			xs[i] = []float64{4*rng.Float64() - 2, 4*rng.Float64() - 2}
			ys[i] = teacher(xs[i]) + mlpNoise*rng.NormFloat64()
		}
		return xs, ys
	}
	trainX, trainY := sample(mlpTrain)
	testX, testY := sample(mlpTest)
	init := make([]float64, 0, mlpParamSize)
	init = append(init, normals(rng, mlpHidden*mlpIn, 1/math.Sqrt(mlpIn))...)
	init = append(init, make([]float64, mlpHidden)...)
	init = append(init, normals(rng, mlpHidden, 1/math.Sqrt(mlpHidden))...)
	init = append(init, 0)
	return Problem{
		Name: ProblemMLP, Init: init,
		Data:  map[string]any{"X": trainX, "y": trainY, "hidden": mlpHidden},
		Train: func(p []float64) []float64 { return mlpGrad(p, trainX, trainY) },
		Heldout: func(p []float64) float64 {
			loss := 0.0
			for i, x := range testX {
				d := mlpForward(p, x, nil) - testY[i]
				loss += d * d
			}
			return loss / mlpTest
		},
	}
}

// mlpForward returns the network's output; hidden, when not nil, receives
// the hidden activations.
func mlpForward(p, x, hidden []float64) float64 {
	w1, b1 := p[:mlpHidden*mlpIn], p[mlpHidden*mlpIn:mlpHidden*mlpIn+mlpHidden]
	w2, b2 := p[mlpHidden*mlpIn+mlpHidden:mlpHidden*mlpIn+2*mlpHidden], p[mlpParamSize-1]
	y := b2
	for h := range mlpHidden {
		a := math.Tanh(w1[h*mlpIn]*x[0] + w1[h*mlpIn+1]*x[1] + b1[h])
		if hidden != nil {
			hidden[h] = a
		}
		y += w2[h] * a
	}
	return y
}

// mlpGrad is the gradient of the mean squared training error.
func mlpGrad(p []float64, xs [][]float64, ys []float64) []float64 {
	g := make([]float64, len(p))
	hidden := make([]float64, mlpHidden)
	w2off := mlpHidden*mlpIn + mlpHidden
	n := float64(len(xs))
	for i, x := range xs {
		e := 2 * (mlpForward(p, x, hidden) - ys[i]) / n
		g[mlpParamSize-1] += e
		for h := range mlpHidden {
			g[w2off+h] += e * hidden[h]
			back := e * p[w2off+h] * (1 - hidden[h]*hidden[h])
			g[h*mlpIn] += back * x[0]
			g[h*mlpIn+1] += back * x[1]
			g[mlpHidden*mlpIn+h] += back
		}
	}
	return g
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func matVec(a [][]float64, x []float64) []float64 {
	y := make([]float64, len(a))
	for i, row := range a {
		y[i] = dot(row, x)
	}
	return y
}
