package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/asi-evolve/asi/plugins/executor"
)

// BenchmarkJailOverhead measures what the local executor's jail costs a
// training job: each iteration trains the initial program (DeltaNet) at
// the explore size once jailed and once not (NoJail), in turns, so that
// both see the machine at the same moments. It reports the median time
// per training step of each (the harness's training loop), the median
// wall time of each job (process start, torch import and data included),
// and the geometric mean of the pairs' jailed/unjailed step-time ratios.
// The README quotes it:
//
//	go test ./tasks/linearattention -run '^$' -bench JailOverhead -benchtime 8x -timeout 60m -v
func BenchmarkJailOverhead(b *testing.B) {
	if err := exec.Command(python, "-c", "import torch").Run(); err != nil {
		b.Skipf("%s cannot import torch (%v): run scripts/ci/install-torch.sh", python, err)
	}
	cfg, err := parseConfig(defaults(nil))
	if err != nil {
		b.Fatal(err)
	}
	newLocal := func(noJail bool) *executor.Local {
		dir := b.TempDir()
		for d := dir; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
			if err := os.Chmod(d, 0o711); err != nil {
				b.Fatal(err)
			}
		}
		l, err := executor.NewLocal(executor.LocalConfig{Dir: filepath.Join(dir, "jobs"), Timeout: 30 * time.Minute, NoJail: noJail})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { l.Close() })
		return l
	}
	jailed, plain := newLocal(false), newLocal(true)
	if level, why := jailed.Isolation(); level != executor.IsolationJail {
		b.Skipf("no jail here: %s", why)
	}
	code, err := os.ReadFile(filepath.Join("baselines", "deltanet.py"))
	if err != nil {
		b.Fatal(err)
	}
	type run struct {
		name string
		exec *executor.Local
		step []float64 // ms per training step
		wall []float64 // s per job
	}
	runs := []*run{{name: "jailed", exec: jailed}, {name: "unjailed", exec: plain}}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// Alternate which goes first, so that neither always follows the other.
		order := []*run{runs[i%2], runs[1-i%2]}
		for _, r := range order {
			start := time.Now()
			hr, outs, err := runner{cfg: cfg, exec: r.exec}.job(context.Background(), fmt.Sprintf("bench/%d/%s", i, r.name),
				"train", string(code), "", cfg.explore, cfg.timeout, 0, nil)
			if err != nil || !hr.OK {
				b.Fatalf("%s train job: %v %s", r.name, err, hr.Reason)
			}
			var res struct {
				TrainS float64 `json:"train_s"`
			}
			if err := json.Unmarshal(outs["result.json"], &res); err != nil {
				b.Fatal(err)
			}
			r.step = append(r.step, res.TrainS/float64(cfg.explore.Steps)*1000)
			r.wall = append(r.wall, time.Since(start).Seconds())
			b.Logf("pair %d %-8s %.2f ms/step, job %.1fs", i, r.name, r.step[len(r.step)-1], r.wall[len(r.wall)-1])
		}
	}
	b.StopTimer()
	median := func(xs []float64) float64 {
		s := slices.Sorted(slices.Values(xs))
		if len(s)%2 == 1 {
			return s[len(s)/2]
		}
		return (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	for _, r := range runs {
		b.Logf("%-8s ms/step median %.2f (min %.2f, max %.2f); job wall median %.1fs (min %.1f, max %.1f), %d jobs",
			r.name, median(r.step), slices.Min(r.step), slices.Max(r.step), median(r.wall), slices.Min(r.wall), slices.Max(r.wall), len(r.step))
		b.ReportMetric(median(r.step), "ms/step-"+r.name)
		b.ReportMetric(median(r.wall), "s/job-"+r.name)
	}
	// Each pair ran at nearly the same moment: its ratio cancels the
	// machine's load, which moves both. The second job of a pair has run
	// slower here by up to a fifth, whichever it was: with an even b.N
	// each goes first as often, and the geometric mean of the ratios
	// cancels that too.
	var logSum float64
	ratios := make([]float64, b.N)
	for i := range ratios {
		ratios[i] = runs[0].step[i] / runs[1].step[i]
		logSum += math.Log(ratios[i])
	}
	mean := math.Exp(logSum / float64(b.N))
	b.Logf("jailed/unjailed per pair: geometric mean %.3f, median %.3f (min %.3f, max %.3f)", mean, median(ratios), slices.Min(ratios), slices.Max(ratios))
	b.ReportMetric(mean, "jailed/unjailed")
}
