// hello reads a JSON object {"name": ...} from stdin and greets it on stdout.
package main

import (
	"encoding/json"
	"fmt"
	"os"
)

func main() {
	var in struct{ Name string }
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fmt.Fprintln(os.Stderr, "decode:", err)
		os.Exit(1)
	}
	out, _ := json.Marshal(map[string]string{"greeting": "hello, " + in.Name})
	fmt.Println(string(out))
}
