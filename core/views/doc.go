// Package views renders command results for people (text, progress bars)
// and for scripts (-json). Commands compute; views only print. No view ever
// prints an API key: the values it receives have none.
package views
