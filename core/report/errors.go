package report

import "errors"

// ErrNoNodes is returned when a campaign has no stored node to report on.
var ErrNoNodes = errors.New("the campaign has no node yet (run `asi apply` first)")
