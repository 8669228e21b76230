// Command faultytask is a task plugin for the fault suite: it scores a
// program by its length, needs no sandbox, and misbehaves on request — it
// sleeps a fixed time per evaluation, hangs forever on one node, or writes
// garbage to its standard output on one node.
package main

import (
	"context"
	"fmt"
	"os"
	"strings"
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
		},
	}, nil
}

func (t *faulty) Configure(_ context.Context, req sdk.ConfigureRequest) error {
	f := func(name string) float64 { v, _ := req.Settings[name].(float64); return v }
	t.sleep = time.Duration(f("sleep_ms")) * time.Millisecond
	t.hangOn, t.garbageOn = int64(f("hang_on_node")), int64(f("garbage_on_node"))
	t.pad = int(f("pad_kib")) << 10
	return nil
}

func (t *faulty) Evaluate(ctx context.Context, c sdk.Candidate, _ int, _ int64) (sdk.Result, error) {
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
