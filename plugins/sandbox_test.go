package plugins_test

import (
	"context"
	"testing"
	"time"

	"github.com/asi-evolve/asi/plugins"
	"github.com/asi-evolve/asi/sandbox"
	"github.com/asi-evolve/asi/sdk"
)

const echoStdin = `package main

import (
	"io"
	"os"
)

func main() { io.Copy(os.Stdout, os.Stdin) }
`

// The host's sandbox service runs what a plugin sends within the
// campaign's limits: a request narrows them, never widens them.
func TestSandboxEnforcesCampaignLimits(t *testing.T) {
	ctx := context.Background()
	rt, err := sandbox.NewRuntime(ctx, sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(ctx)
	campaign := sandbox.NewConfig().WithMemoryLimit(64 << 20).WithTimeout(5 * time.Second).WithOutputLimit(1 << 10)
	sb := plugins.NewSandbox(rt, campaign)
	tests := []struct {
		name string
		ask  sdk.Limits
		want sdk.Limits
	}{
		{name: "campaign's by default", want: sdk.Limits{Memory: 64 << 20, Timeout: 5 * time.Second, OutputLimit: 1 << 10}},
		{name: "more is refused", ask: sdk.Limits{Memory: 1 << 30, Timeout: time.Hour, OutputLimit: 1 << 30},
			want: sdk.Limits{Memory: 64 << 20, Timeout: 5 * time.Second, OutputLimit: 1 << 10}},
		{name: "less is granted", ask: sdk.Limits{Memory: 32 << 20, Timeout: time.Second, OutputLimit: 16},
			want: sdk.Limits{Memory: 32 << 20, Timeout: time.Second, OutputLimit: 16}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := sb.Run(ctx, sdk.SandboxRun{Language: "go", Files: map[string][]byte{"main.go": []byte(echoStdin)},
				Stdin: []byte("hello"), Limits: tt.ask})
			if err != nil {
				t.Fatal(err)
			}
			if res.Limits != tt.want {
				t.Errorf("limits = %+v, want %+v", res.Limits, tt.want)
			}
			if !res.OK() || string(res.Stdout) != "hello" {
				t.Errorf("run: %s %s, stdout %q", res.Reason, res.Detail, res.Stdout)
			}
		})
	}
	res, err := sb.Run(ctx, sdk.SandboxRun{Language: "go", Files: map[string][]byte{"main.go": []byte("package main\nfunc main() { x := 1 }\n")}})
	if err != nil || res.Reason != sdk.ReasonCompile || res.Detail == "" {
		t.Errorf("broken program: %+v, %v; want a compile reason with the compiler's output", res, err)
	}
}
