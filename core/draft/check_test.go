package draft

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/asi-evolve/asi/core/redteam"
)

// fakeEvaluator scores programs with a function of the code and the
// sandbox's random seed, as a drafted evaluator in the sandbox would.
type fakeEvaluator struct {
	score    func(code string, randSeed uint64) redteam.Outcome
	randSeed uint64
	closed   *int
}

func (f fakeEvaluator) Evaluate(_ context.Context, code string, _ int64) (redteam.Outcome, error) {
	return f.score(code, f.randSeed), nil
}

func (f fakeEvaluator) Close() { *f.closed++ }

func fakeStart(score func(code string, randSeed uint64) redteam.Outcome, started, closed *int) StartFunc {
	return func(_ context.Context, _ string, randSeed uint64) (Evaluator, error) {
		*started++
		return fakeEvaluator{score: score, randSeed: randSeed, closed: closed}, nil
	}
}

func valid(score float64) redteam.Outcome {
	return redteam.Outcome{Valid: true, Score: score, Metrics: map[string]float64{"combined_score": score}}
}

func rejected(why string) redteam.Outcome {
	return redteam.Outcome{Feedback: why}
}

func crash(line string) redteam.Outcome {
	return redteam.Outcome{Feedback: line, Artifacts: map[string][]byte{"traceback": []byte("Traceback (most recent call last):\n  File \"evaluator.py\"\n" + line)}}
}

// careful is a good evaluator: 1 for the initial program, an error for
// anything else.
func careful(code string, _ uint64) redteam.Outcome {
	if code == goodInitial {
		return valid(1)
	}
	return rejected("the program failed")
}

func ptr(v float64) *float64 { return &v }

var draftMeta = Meta{Statement: "s", Primary: "combined_score", Direction: "maximize"}

func TestCheckDraft(t *testing.T) {
	tests := []struct {
		name   string
		draft  Draft
		score  func(string, uint64) redteam.Outcome
		failed map[string]string // check name -> a part of its detail
	}{
		{name: "good", score: careful},
		{
			name:   "no evaluate",
			draft:  Draft{Evaluator: "def evaluator(p):\n    pass\n"},
			score:  careful,
			failed: map[string]string{CheckStatic: "defines no top-level evaluate"},
		},
		{
			name:   "beats its own known best",
			draft:  Draft{Meta: Meta{Statement: "s", Primary: "combined_score", Direction: "minimize", KnownBest: ptr(2.0)}},
			score:  careful,
			failed: map[string]string{CheckScores: "better than the known best 2"},
		},
		{
			name:   "no markers",
			draft:  Draft{Initial: "X = 1\n"},
			score:  careful,
			failed: map[string]string{CheckStatic: "no editable region"},
		},
		{
			name:   "initial invalid",
			score:  func(string, uint64) redteam.Outcome { return crash("NameError: name 'x' is not defined") },
			failed: map[string]string{CheckScores: "NameError"},
		},
		{
			name: "random seed shows",
			score: func(code string, seed uint64) redteam.Outcome {
				if code == goodInitial {
					return valid(float64(seed) / 10)
				}
				return rejected("no")
			},
			failed: map[string]string{CheckDeterministic: "not deterministic: seed it"},
		},
		{
			name: "crashes on empty output",
			score: func(code string, _ uint64) redteam.Outcome {
				if code == "" {
					return crash("AttributeError: module 'program' has no attribute 'solve'")
				}
				return careful(code, 0)
			},
			failed: map[string]string{CheckRejects: "empty-program (an empty program): evaluate raised instead of returning an error: AttributeError"},
		},
		{
			name: "accepts garbage",
			score: func(code string, _ uint64) redteam.Outcome {
				if strings.Contains(code, "not a program") {
					return valid(0)
				}
				return careful(code, 0)
			},
			failed: map[string]string{CheckRejects: "garbage (text that is not a program): accepted with 0"},
		},
		{
			name: "rewards huge",
			score: func(code string, _ uint64) redteam.Outcome {
				if strings.Contains(code, "1e+300") {
					return valid(1e300)
				}
				return careful(code, 0)
			},
			failed: map[string]string{CheckRejects: "huge-all (every number 1e+300; "},
		},
		{
			name: "reads /etc/passwd",
			score: func(string, uint64) redteam.Outcome {
				return crash("PermissionError: [Errno 76] Capabilities insufficient: '/etc/passwd'")
			},
			failed: map[string]string{CheckScores: "PermissionError", CheckContained: "tried a file outside its folder"},
		},
		{
			name: "opens a socket",
			score: func(string, uint64) redteam.Outcome {
				return crash("AttributeError: module '_socket' has no attribute 'getaddrinfo'")
			},
			failed: map[string]string{CheckScores: "_socket", CheckContained: "tried the network"},
		},
		{
			name: "loops",
			score: func(string, uint64) redteam.Outcome {
				return rejected("the evaluation ended with no result (timeout: still running after the time limit of 2s)")
			},
			failed: map[string]string{CheckScores: "timeout", CheckContained: "overran its time limit"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Draft{Evaluator: goodEvaluator, Initial: goodInitial, Meta: draftMeta}
			if tt.draft.Evaluator != "" {
				d.Evaluator = tt.draft.Evaluator
			}
			if tt.draft.Initial != "" {
				d.Initial = tt.draft.Initial
			}
			if tt.draft.Meta.Statement != "" {
				d.Meta = tt.draft.Meta
			}
			var started, closed int
			rep, err := CheckDraft(context.Background(), "campaign.hcl", d, fakeStart(tt.score, &started, &closed), nil)
			if err != nil {
				t.Fatal(err)
			}
			if started != closed {
				t.Errorf("started %d evaluators, closed %d", started, closed)
			}
			if rep.Passed() != (len(tt.failed) == 0) {
				t.Errorf("Passed() = %v:\n%s", rep.Passed(), rep.Text())
			}
			failed := map[string]Check{}
			for _, c := range rep.Failed() {
				failed[c.Name] = c
			}
			for name, want := range tt.failed {
				c, ok := failed[name]
				if !ok {
					t.Errorf("check %q did not fail:\n%s", name, rep.Text())
					continue
				}
				if !strings.Contains(c.Detail, want) {
					t.Errorf("check %q says %q, want it to say %q", name, c.Detail, want)
				}
			}
			for name := range failed {
				if _, ok := tt.failed[name]; !ok {
					t.Errorf("check %q failed too:\n%s", name, rep.Text())
				}
			}
		})
	}
}

func TestStaticWarnings(t *testing.T) {
	d := Draft{Evaluator: "import socket\nimport subprocess\n\ndef evaluate(p):\n    open('/etc/passwd')\n    return {}\n", Initial: goodInitial}
	c, warnings := staticCheck(d)
	if !c.Passed {
		t.Fatalf("static check failed: %s", c.Detail)
	}
	got := strings.Join(warnings, "\n")
	for _, want := range []string{"imports socket", "uses subprocess", "names a path outside its folder"} {
		if !strings.Contains(got, want) {
			t.Errorf("warnings lack %q:\n%s", want, got)
		}
	}
}

func TestProbes(t *testing.T) {
	initial := "# EVOLVE-BLOCK-START\ndef solve():\n    return [0.5, 1.5]\n# EVOLVE-BLOCK-END\n"
	got := map[string]bool{}
	for _, p := range probes(redteam.Target{Language: "python", Program: initial}) {
		got[p.Name] = p.mustReject
	}
	want := map[string]bool{"empty-program": true, "garbage": true, "empty-output": true, "nan-all": false, "inf-all": false, "huge-all": false}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("probes (-want +got):\n%s", diff)
	}
}
