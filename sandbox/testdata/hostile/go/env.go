// env prints every environment variable it can find.
package main

import (
	"fmt"
	"os"
)

func main() {
	for _, kv := range os.Environ() {
		fmt.Println("ENV", kv)
	}
	for _, k := range []string{"ASI_TEST_API_KEY", "HOME", "PATH", "OPENAI_API_KEY"} {
		if v, ok := os.LookupEnv(k); ok {
			fmt.Println("ESCAPED:", k, "=", v)
		}
	}
}
