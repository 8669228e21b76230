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
