package circlepacking

import (
	"context"
	"fmt"
	"math/rand"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/asi-evolve/asi/core/task"
	"github.com/asi-evolve/asi/sandbox"
)

var numRe = regexp.MustCompile(`\b\d+(\.\d+)?\b`)

func mutate(rng *rand.Rand, code string) string {
	lines := strings.Split(code, "\n")
	s, e := -1, -1
	for i, l := range lines {
		if strings.Contains(l, "EVOLVE-BLOCK-START") {
			s = i
		}
		if strings.Contains(l, "EVOLVE-BLOCK-END") {
			e = i
		}
	}
	var cands []int
	for i := s + 1; i < e; i++ {
		if numRe.MatchString(lines[i]) && !strings.HasPrefix(strings.TrimSpace(lines[i]), "//") {
			cands = append(cands, i)
		}
	}
	i := cands[rng.Intn(len(cands))]
	locs := numRe.FindAllStringIndex(lines[i], -1)
	loc := locs[rng.Intn(len(locs))]
	lit := lines[i][loc[0]:loc[1]]
	v, _ := strconv.ParseFloat(lit, 64)
	f := 0.01 + 0.04*rng.Float64()
	if rng.Float64() < 0.3 {
		f = 0.2
	}
	if rng.Intn(2) == 0 {
		f = -f
	}
	v *= 1 + f
	var nl string
	if strings.Contains(lit, ".") {
		nl = strconv.FormatFloat(v, 'f', -1, 64)
		if !strings.Contains(nl, ".") {
			nl += ".0"
		}
	} else {
		nl = strconv.Itoa(int(v + 0.5))
	}
	lines[i] = lines[i][:loc[0]] + nl + lines[i][loc[1]:]
	return strings.Join(lines, "\n")
}

func TestClimb(t *testing.T) {
	eng := sandbox.Engine(strings.TrimSpace(getenv("CLIMB_ENGINE")))
	rt, err := sandbox.NewRuntime(context.Background(), sandbox.Options{Engine: eng})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(context.Background())
	tk := New(rt, sandbox.NewConfig())
	d, _ := tk.Describe(context.Background())
	rng := rand.New(rand.NewSource(1))
	best := d.InitialProgram
	res, _ := tk.Evaluate(context.Background(), task.Candidate{Code: best}, 0, 0)
	bs := res.Metrics[MetricSumRadii]
	start := time.Now()
	invalid := 0
	for step := 0; time.Since(start) < 60*time.Second; step++ {
		c := mutate(rng, best)
		t0 := time.Now()
		r, err := tk.Evaluate(context.Background(), task.Candidate{Code: c}, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !r.Valid {
			invalid++
			fmt.Println("invalid:", r.Feedback[:min(len(r.Feedback), 150)])
		}
		if r.Valid && r.Metrics[MetricSumRadii] > bs {
			best, bs = c, r.Metrics[MetricSumRadii]
		}
		fmt.Printf("step %d %.2fs best %.4f elapsed %.0fs\n", step, time.Since(t0).Seconds(), bs, time.Since(start).Seconds())
	}
	fmt.Println("invalid", invalid)
}
