// socket dials the host address given as its argument. Go's wasip1 port
// has an in-process fake network, so a dial may "succeed" inside the
// guest; the test checks the host listener saw nothing.
package main

import (
	"fmt"
	"net"
	"os"
)

func main() {
	for _, network := range []string{"tcp", "tcp4", "udp"} {
		c, err := net.Dial(network, os.Args[1])
		if err != nil {
			fmt.Println("dial", network, "error:", err)
			continue
		}
		fmt.Fprintf(c, "hello from the guest over %s\n", network)
		fmt.Println("dial", network, "returned a connection")
		c.Close()
	}
}
