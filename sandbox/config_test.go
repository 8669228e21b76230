package sandbox

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestConfig(t *testing.T) {
	tests := []struct {
		name       string
		cfg        Config
		wantMemory uint64
		wantTime   time.Duration
		wantOutput int
		wantArgv   []string
	}{
		{name: "defaults", cfg: NewConfig(), wantMemory: 64 << 20, wantTime: 10 * time.Second, wantOutput: 1 << 20, wantArgv: []string{"guest"}},
		{name: "zero value holds the defaults", cfg: Config{}, wantMemory: 64 << 20, wantTime: 10 * time.Second, wantOutput: 1 << 20, wantArgv: []string{"guest"}},
		{name: "memory rounds down to pages", cfg: NewConfig().WithMemoryLimit(3*pageSize + 100), wantMemory: 3 * pageSize, wantTime: 10 * time.Second, wantOutput: 1 << 20, wantArgv: []string{"guest"}},
		{name: "memory at least one page", cfg: NewConfig().WithMemoryLimit(10), wantMemory: pageSize, wantTime: 10 * time.Second, wantOutput: 1 << 20, wantArgv: []string{"guest"}},
		{name: "memory at most 4GiB", cfg: NewConfig().WithMemoryLimit(1 << 40), wantMemory: 4 << 30, wantTime: 10 * time.Second, wantOutput: 1 << 20, wantArgv: []string{"guest"}},
		{name: "non-positive timeout restores default", cfg: NewConfig().WithTimeout(time.Second).WithTimeout(-1), wantMemory: 64 << 20, wantTime: 10 * time.Second, wantOutput: 1 << 20, wantArgv: []string{"guest"}},
		{name: "timeout", cfg: NewConfig().WithTimeout(time.Second), wantMemory: 64 << 20, wantTime: time.Second, wantOutput: 1 << 20, wantArgv: []string{"guest"}},
		{name: "zero output limit is kept", cfg: NewConfig().WithOutputLimit(0), wantMemory: 64 << 20, wantTime: 10 * time.Second, wantOutput: 0, wantArgv: []string{"guest"}},
		{name: "negative output limit is zero", cfg: NewConfig().WithOutputLimit(-5), wantMemory: 64 << 20, wantTime: 10 * time.Second, wantOutput: 0, wantArgv: []string{"guest"}},
		{name: "args follow the program name", cfg: NewConfig().WithArgs("a", "b"), wantMemory: 64 << 20, wantTime: 10 * time.Second, wantOutput: 1 << 20, wantArgv: []string{"guest", "a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cfg.MemoryLimit(); got != tt.wantMemory {
				t.Errorf("MemoryLimit() = %d, want %d", got, tt.wantMemory)
			}
			if got := tt.cfg.Timeout(); got != tt.wantTime {
				t.Errorf("Timeout() = %v, want %v", got, tt.wantTime)
			}
			if got := tt.cfg.OutputLimit(); got != tt.wantOutput {
				t.Errorf("OutputLimit() = %d, want %d", got, tt.wantOutput)
			}
			if diff := cmp.Diff(tt.wantArgv, tt.cfg.argv()); diff != "" {
				t.Errorf("argv mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestConfigIsImmutable(t *testing.T) {
	base := NewConfig()
	args := []string{"a"}
	stdin := []byte("in")
	withArgs := base.WithArgs(args...).WithStdin(stdin)
	args[0], stdin[0] = "changed", 'X'
	_ = withArgs.WithArgs("other").WithMemoryLimit(pageSize)

	if diff := cmp.Diff([]string{"guest", "a"}, withArgs.argv()); diff != "" {
		t.Errorf("argv changed by later calls or the caller's slice (-want +got):\n%s", diff)
	}
	if string(withArgs.stdin) != "in" {
		t.Errorf("stdin = %q, want %q", withArgs.stdin, "in")
	}
	if base.MemoryLimit() != defaultMemoryLimit || len(base.argv()) != 1 {
		t.Error("base config changed by With calls on copies")
	}
}

func TestLanguageVersion(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{name: "release", in: "go1.26.8", want: "1.26"},
		{name: "first release", in: "go1.26", want: "1.26"},
		{name: "release candidate", in: "go1.27rc1", want: "1.27"},
		{name: "devel suffix", in: "go1.26.1 X:nocoverageredesign", want: "1.26"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := languageVersion(tt.in); got != tt.want {
				t.Errorf("languageVersion(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCleanBuildOutput(t *testing.T) {
	dir := "/tmp/asi-gobuild-123"
	in := "# guest\n./main.go:6:14: undefined: x\n" + dir + "/main.go:7:1: syntax error\n\n"
	want := "main.go:6:14: undefined: x\nmain.go:7:1: syntax error"
	if got := cleanBuildOutput(in, dir); got != want {
		t.Errorf("cleanBuildOutput() = %q, want %q", got, want)
	}
}

func TestConfigMountsAndEnvAreImmutable(t *testing.T) {
	base := NewConfig().WithEnv("A", "1").WithReadOnlyMount("/host/a", "/a")
	changed := base.WithEnv("A", "2").WithEnv("B", "3").
		WithReadOnlyMount("/host/b", "/b").WithReadOnlyMount("/host/a2", "/a")

	if diff := cmp.Diff(map[string]string{"A": "1"}, base.Env()); diff != "" {
		t.Errorf("base env changed (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]Mount{{HostDir: "/host/a", GuestDir: "/a"}}, base.Mounts()); diff != "" {
		t.Errorf("base mounts changed (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"A": "2", "B": "3"}, changed.Env()); diff != "" {
		t.Errorf("env (-want +got):\n%s", diff)
	}
	wantMounts := []Mount{{HostDir: "/host/b", GuestDir: "/b"}, {HostDir: "/host/a2", GuestDir: "/a"}}
	if diff := cmp.Diff(wantMounts, changed.Mounts()); diff != "" {
		t.Errorf("a later mount at the same guest path should replace the earlier (-want +got):\n%s", diff)
	}
	if NewConfig().DeterministicClock() || NewConfig().RandSeed() != 0 {
		t.Error("defaults: want real clocks and seed 0")
	}
	if c := NewConfig().WithDeterministicClock().WithRandSeed(9); !c.DeterministicClock() || c.RandSeed() != 9 {
		t.Error("WithDeterministicClock/WithRandSeed not kept")
	}
}
