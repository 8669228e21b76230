package sdk

import (
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/asi-evolve/asi/sdk/protocol/taskv1"
)

// FuzzDescribeFromWire feeds arbitrary bytes as a plugin's Describe reply:
// whatever a plugin sends, translating it never panics, and what the
// translation keeps goes back to the wire unchanged.
func FuzzDescribeFromWire(f *testing.F) {
	seed, _ := describeToWire(Description{Name: "t", Direction: Maximize, Metrics: []Metric{{Name: "m"}},
		Stages: []Stage{{Name: "s"}}, Config: []Setting{{Name: "n", Type: TypeNumber, Default: 1.0}}})
	b, _ := proto.Marshal(seed)
	f.Add(b)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		var w taskv1.DescribeResponse
		if err := proto.Unmarshal(data, &w); err != nil {
			return
		}
		d := describeFromWire(&w)
		if d.Direction != Maximize && d.Direction != Minimize {
			return
		}
		back, err := describeToWire(d)
		if err != nil {
			return // a default that is not a plain value cannot be sent back
		}
		if back.GetName() != w.GetName() || len(back.GetStages()) != len(w.GetStages()) || len(back.GetConfigSchema()) != len(w.GetConfigSchema()) {
			t.Errorf("round trip changed the description: %v -> %v", &w, back)
		}
	})
}
