// Command faultytask is a task plugin for the fault suite: it scores a
// program by its length, needs no sandbox, and misbehaves on request — it
// sleeps a fixed time per evaluation, hangs forever on one node, or writes
// garbage to its standard output on one node. It can write the time its
// first evaluation starts into a file, for the cold-start benchmark.
package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/asi-evolve/asi/sdk"
)

const initial = `package main

// EVOLVE-BLOCK-START
const x = 1.0
// EVOLVE-BLOCK-END

func main() { println(x) }
`

type faulty struct {
	sleep     time.Duration
	hangOn    int64
	garbageOn int64
	pad       int // bytes of artifact per evaluation, to fill a disk
	firstEval string
	marked    sync.Once
	evalLog   string // a file each evaluation appends its node id to as it starts
}

func (t *faulty) Describe(context.Context) (sdk.Description, error) {
	num := func(name, desc string) sdk.Setting {
		return sdk.Setting{Name: name, Type: sdk.TypeNumber, Default: 0.0, Description: desc}
	}
	return sdk.Description{
		Name: "faulty", Version: "0.0.1", Statement: "Make the program longer.", Language: "go",
		InitialProgram: initial,
		Metrics:        []sdk.Metric{{Name: "score", Description: "bytes of the program"}},
		Primary:        "score", Direction: sdk.Maximize,
		Stages: []sdk.Stage{{Name: "count"}},
		Config: []sdk.Setting{
			num("sleep_ms", "milliseconds each evaluation takes"),
			num("hang_on_node", "the node whose evaluation never returns; 0 for none"),
			num("garbage_on_node", "the node whose evaluation writes garbage to stdout; 0 for none"),
			num("pad_kib", "KiB of artifact each evaluation returns"),
			{Name: "first_eval_file", Type: sdk.TypeString, Default: "",
				Description: "a file the first evaluation writes its start time into (Unix nanoseconds); empty for none"},
			{Name: "eval_log_file", Type: sdk.TypeString, Default: "",
				Description: "a file each evaluation appends its node id to (a line) as it starts; empty for none"},
		},
	}, nil
}

func (t *faulty) Configure(_ context.Context, req sdk.ConfigureRequest) error {
	f := func(name string) float64 { v, _ := req.Settings[name].(float64); return v }
	t.sleep = time.Duration(f("sleep_ms")) * time.Millisecond
	t.hangOn, t.garbageOn = int64(f("hang_on_node")), int64(f("garbage_on_node"))
	t.pad = int(f("pad_kib")) << 10
	t.firstEval, _ = req.Settings["first_eval_file"].(string)
	t.evalLog, _ = req.Settings["eval_log_file"].(string)
	return nil
}

func (t *faulty) Evaluate(ctx context.Context, c sdk.Candidate, _ int, _ int64) (sdk.Result, error) {
	if t.firstEval != "" {
		t.marked.Do(func() {
			now := strconv.FormatInt(time.Now().UnixNano(), 10)
			if err := os.WriteFile(t.firstEval, []byte(now), 0o644); err != nil {
				fmt.Fprintln(os.Stderr, "faultytask:", err)
			}
		})
	}
	if t.evalLog != "" {
		f, err := os.OpenFile(t.evalLog, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err == nil {
			fmt.Fprintf(f, "%d\n", c.NodeID)
			err = f.Close()
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "faultytask:", err)
		}
	}
	if t.hangOn > 0 && c.NodeID == t.hangOn {
		select {} // ignores its context, as a buggy plugin would
	}
	if t.garbageOn > 0 && c.NodeID == t.garbageOn {
		// Not the handshake, not a log line: bytes a careless plugin prints.
		fmt.Fprint(os.Stdout, "\x00\xff{{{not json\n1|2|tcp|garbage|grpc\n\x1b[31m")
	}
	if t.sleep > 0 {
		time.Sleep(t.sleep)
	}
	score := float64(len(strings.TrimSpace(c.Code)))
	res := sdk.Result{Metrics: map[string]float64{"score": score}, Valid: true}
	if t.pad > 0 {
		// Distinct bytes per node, so content addressing cannot share them.
		pad := []byte(strings.Repeat(fmt.Sprintf("%d ", c.NodeID), t.pad/2))
		res.Artifacts = map[string][]byte{"pad": pad[:t.pad]}
	}
	return res, nil
}

func main() { sdk.Serve(func() sdk.Task { return &faulty{} }) }
