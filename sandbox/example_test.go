package sandbox_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/asi-evolve/asi/sandbox"
)

func ExampleRuntime_Run() {
	ctx := context.Background()
	rt, err := sandbox.NewRuntime(ctx, sandbox.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer rt.Close(ctx)

	m, err := rt.BuildGo(ctx, []byte(`package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	in, _ := io.ReadAll(os.Stdin)
	fmt.Printf("guest read %q; environment has %d variables\n", in, len(os.Environ()))
}
`))
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close(ctx)

	cfg := sandbox.NewConfig().
		WithStdin([]byte("42")).
		WithTimeout(5 * time.Second).
		WithMemoryLimit(32 << 20)
	res, err := rt.Run(ctx, m, cfg)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("reason=%q exit=%d\n%s", res.Reason, res.ExitCode, res.Stdout)
	// Output:
	// reason="" exit=0
	// guest read "42"; environment has 0 variables
}

func ExampleRuntime_RunProgram() {
	ctx := context.Background()
	rt, err := sandbox.NewRuntime(ctx, sandbox.Options{CacheDir: sandbox.CacheDir()})
	if err != nil {
		log.Fatal(err)
	}
	defer rt.Close(ctx)

	// A candidate's files, by language; "go", "javascript", "c" and "wasm"
	// work the same way.
	p, err := rt.Prepare(ctx, "go", map[string][]byte{"main.go": []byte(`package main

import (
	"fmt"
	"os"
)

func main() {
	_, err := os.ReadFile("/etc/passwd")
	fmt.Println("host file readable:", err == nil)
	for {
	}
}
`)})
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()

	res, err := rt.RunProgram(ctx, p, sandbox.NewConfig().WithTimeout(200*time.Millisecond))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s%s: %s\n", res.Stdout, res.Reason, res.Detail)
	// Output:
	// host file readable: false
	// timeout: still running after the time limit of 200ms
}
