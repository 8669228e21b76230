package dashboard

import "errors"

var (
	// ErrUnknownCampaign is returned for a campaign name the server does not serve.
	ErrUnknownCampaign = errors.New("unknown campaign")
	// ErrNoCampaign is returned by New when there is nothing to serve.
	ErrNoCampaign = errors.New("no campaign to serve")
)
