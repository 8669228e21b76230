package main

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
)

// answer is the JSON a harness prints for params.
func answer(t testing.TB, suite []Problem, params [][]float64) string {
	t.Helper()
	m := map[string][]float64{}
	for i, p := range suite {
		m[p.Name] = params[i]
	}
	b, err := json.Marshal(map[string]any{"params": m})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestScore(t *testing.T) {
	suite := Suite(5, 1)
	adamParams, inits := make([][]float64, len(suite)), make([][]float64, len(suite))
	for i, p := range suite {
		adamParams[i] = train(p, 50, adam(len(p.Init)))
		inits[i] = p.Init
	}
	score, outcomes, err := Score([]byte(answer(t, suite, adamParams)), suite, adamParams, inits)
	if err != nil {
		t.Fatal(err)
	}
	if score != 0 {
		t.Errorf("Adam's own parameters score %v, want 0", score)
	}
	for _, o := range outcomes {
		if o.SGDRatio >= 0 {
			t.Errorf("%s: the initial parameters score %v against Adam's, want below 0", o.Problem, o.SGDRatio)
		}
	}
	// The initial parameters, claimed to be perfect, score what they are.
	claimed := `{"score": 1e9, "loss": 0,` + strings.TrimPrefix(answer(t, suite, inits), "{")
	score, _, err = Score([]byte(claimed), suite, adamParams, adamParams)
	if err != nil {
		t.Fatal(err)
	}
	if score >= 0 {
		t.Errorf("initial parameters with a claimed score score %v, want below 0", score)
	}
}

func TestScoreInvalid(t *testing.T) {
	suite := Suite(5, 1)
	inits := make([][]float64, len(suite))
	for i, p := range suite {
		inits[i] = p.Init
	}
	valid := answer(t, suite, inits)
	tests := []struct {
		name    string
		output  string
		wantErr error
		wantMsg string
	}{
		{name: "one parameter too many", output: strings.Replace(valid, `"mlp/1":[`, `"mlp/1":[1,`, 1), wantErr: ErrShape, wantMsg: "mlp/1 has 34 parameters, want 33"},
		{name: "NaN in place", output: strings.Replace(valid, `"logistic/1":[0`, `"logistic/1":[NaN`, 1), wantErr: ErrNotFinite, wantMsg: "logistic/1 parameter 0 is NaN or infinite"},
		{name: "Infinity", output: strings.Replace(valid, `"logistic/1":[0`, `"logistic/1":[-Infinity`, 1), wantErr: ErrNotFinite},
		{name: "a problem missing", output: strings.Replace(valid, `"rosenbrock/1"`, `"rosenbrock"`, 1), wantErr: ErrMissing, wantMsg: `"rosenbrock/1"`},
		{name: "log line before the JSON", output: "loss 0\n" + valid, wantErr: ErrMalformed, wantMsg: "print logs to stderr"},
		{name: "text after the JSON", output: valid + `{"score": 1}`, wantErr: ErrMalformed, wantMsg: "text after the JSON object"},
		{name: "not numbers", output: strings.Replace(valid, `"logistic/1":[0`, `"logistic/1":["0"`, 1), wantErr: ErrMalformed},
		{name: "empty", output: "", wantErr: ErrMalformed},
		{name: "too long", output: valid + strings.Repeat(" ", maxOutput), wantErr: ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			score, outcomes, err := Score([]byte(tt.output), suite, inits, inits)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("err %q lacks %q", err, tt.wantMsg)
			}
			if score != 0 || outcomes != nil {
				t.Errorf("rejected output scored %v", score)
			}
		})
	}
}

func TestLogRatio(t *testing.T) {
	tests := []struct {
		name      string
		ref, loss float64
		want      float64
	}{
		{name: "equal", ref: 2, loss: 2, want: 0},
		{name: "ten times better", ref: 1, loss: 0.1, want: 1},
		{name: "zero loss is the ceiling", ref: 1, loss: 0, want: clampDecades},
		{name: "overflow is the floor", ref: 1, loss: math.Inf(1), want: -clampDecades},
		{name: "NaN is the floor", ref: 1, loss: math.NaN(), want: -clampDecades},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := logRatio(tt.ref, tt.loss); math.Abs(got-tt.want) > 1e-12 {
				t.Errorf("logRatio(%v, %v) = %v, want %v", tt.ref, tt.loss, got, tt.want)
			}
		})
	}
}

// Problems are a function of the seed, and different seeds give different
// problems.
func TestSuiteDependsOnSeed(t *testing.T) {
	a, b, c := Suite(1, 2), Suite(1, 2), Suite(2, 2)
	if len(a) != 2*len(Kinds) {
		t.Fatalf("%d problems, want %d", len(a), 2*len(Kinds))
	}
	for i := range a {
		if a[i].Heldout(a[i].Init) != b[i].Heldout(b[i].Init) {
			t.Errorf("%s differs between two suites of seed 1", a[i].Name)
		}
		if a[i].Heldout(a[i].Init) == c[i].Heldout(c[i].Init) {
			t.Errorf("%s is the same for seeds 1 and 2", a[i].Name)
		}
	}
}

// The analytic gradients match finite differences where the held-out loss
// is the training objective itself (quadratic, Rosenbrock). The harness's
// Python gradients match these: its Adam reaches the plugin's Adam's
// losses exactly (TestKnownGoodBeatsInitial).
func TestGradients(t *testing.T) {
	for _, p := range Suite(9, 1)[:2] {
		t.Run(p.Kind, func(t *testing.T) {
			x := append([]float64(nil), p.Init...)
			g := p.Train(x)
			const h = 1e-6
			for i := range x {
				up := append([]float64(nil), x...)
				down := append([]float64(nil), x...)
				up[i] += h
				down[i] -= h
				fd := (p.Heldout(up) - p.Heldout(down)) / (2 * h)
				if math.Abs(fd-g[i]) > 1e-4*math.Max(1, math.Abs(fd)) {
					t.Errorf("d/dx%d: analytic %v, finite difference %v", i, g[i], fd)
				}
			}
		})
	}
}

func FuzzScore(f *testing.F) {
	suite := Suite(5, 1)
	inits := make([][]float64, len(suite))
	for i, p := range suite {
		inits[i] = p.Init
	}
	valid := answer(f, suite, inits)
	f.Add([]byte(valid))
	f.Add([]byte(strings.Replace(valid, `"logistic/1":[0`, `"logistic/1":[NaN`, 1)))
	f.Add([]byte(`{"params": {}}`))
	f.Add([]byte(`{"params": null}`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, out []byte) {
		score, outcomes, err := Score(out, suite, inits, inits)
		if err != nil {
			if score != 0 || outcomes != nil {
				t.Fatalf("error %v came with score %v", err, score)
			}
			return
		}
		if math.IsNaN(score) || math.Abs(score) > clampDecades {
			t.Fatalf("score %v outside ±%v", score, clampDecades)
		}
	})
}
