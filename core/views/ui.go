package views

import (
	"encoding/json"
	"fmt"
	"strings"
)

// UIServing is what `asi ui` says once it listens.
type UIServing struct {
	URL string
	// Root or Dirs: what is served (the campaigns under Root, or Dirs).
	Root string
	Dirs []string
	// Token allows changes; NewToken says asi made it up, so it is shown.
	Token    string
	NewToken bool
}

// UIServing writes where the dashboard is and whether it allows changes.
// The JSON form is one line, for a script to read before the server stops.
func (v View) UIServing(u UIServing) error {
	if v.JSON {
		printed := ""
		if u.NewToken {
			printed = u.Token // only a token asi made up
		}
		return json.NewEncoder(v.W).Encode(map[string]any{"url": u.URL, "writable": u.Token != "", "token": printed})
	}
	target := "campaign " + strings.Join(u.Dirs, ", ")
	if u.Root != "" {
		target = "the campaigns under " + u.Root
	}
	fmt.Fprintf(v.W, "asi ui: serving %s at %s (metrics at %smetrics)\n", target, u.URL, u.URL)
	if u.NewToken {
		fmt.Fprintf(v.W, "token for changes: %s\n", u.Token)
	} else if u.Token == "" {
		fmt.Fprintln(v.W, "read-only (start with -token or -new-token to allow notes)")
	}
	fmt.Fprintln(v.W, "Press Ctrl-C to stop.")
	return nil
}

// UIExposed warns that the dashboard listens beyond this machine.
func (v View) UIExposed(addr string) {
	fmt.Fprintf(v.W, "Warning: listening on %s: anyone who can reach this address can read the campaigns.\n", addr)
}
