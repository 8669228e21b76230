// goroutines starts goroutines without end, each holding a stack.
package main

func main() {
	block := make(chan struct{})
	for {
		go func() {
			var pad [4096]byte
			pad[0] = 1
			<-block
			_ = pad
		}()
	}
}
