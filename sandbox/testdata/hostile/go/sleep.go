// sleep sleeps far past any deadline, holding its run open.
package main

import "time"

func main() {
	time.Sleep(time.Hour)
}
