package store

import (
	"context"
	"errors"
	"strconv"
	"strings"
)

// Info is what a campaign directory records about itself, for the commands
// that read a campaign without its file.
type Info struct {
	Campaign   string
	Task       string
	Primary    string   // primary metric
	Direction  string   // "maximize" or "minimize"
	StepBudget int      // 0 when unlimited
	Features   []string // names of the MAP-Elites feature dimensions
	// Offline names the roles that run with no model (the offline
	// researcher, the offline analyzer), for the commands that report
	// what a model did.
	Offline []string
}

// Maximize says whether a larger primary score is better (also when the
// direction was never recorded).
func (i Info) Maximize() bool { return i.Direction != "minimize" }

const (
	infoCampaign  = "campaign"
	infoTask      = "task"
	infoPrimary   = "primary"
	infoDirection = "direction"
	infoSteps     = "budget_steps"
	infoFeatures  = "features"
	infoOffline   = "offline_roles"
)

// Info reads the campaign's Info; fields never set are empty.
func (s *Store) Info(ctx context.Context) (Info, error) {
	var i Info
	values := map[string]string{}
	for _, k := range []string{infoCampaign, infoTask, infoPrimary, infoDirection, infoSteps, infoFeatures, infoOffline} {
		v, err := s.Meta(ctx, k)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return i, err
		}
		values[k] = v
	}
	i.Campaign, i.Task = values[infoCampaign], values[infoTask]
	i.Primary, i.Direction = values[infoPrimary], values[infoDirection]
	i.StepBudget, _ = strconv.Atoi(values[infoSteps])
	if f := values[infoFeatures]; f != "" {
		i.Features = strings.Split(f, ",")
	}
	if o := values[infoOffline]; o != "" {
		i.Offline = strings.Split(o, ",")
	}
	return i, nil
}

// SetInfo records the campaign's Info.
func (s *Store) SetInfo(ctx context.Context, i Info) error {
	for k, v := range map[string]string{
		infoCampaign: i.Campaign, infoTask: i.Task, infoPrimary: i.Primary, infoDirection: i.Direction,
		infoSteps: strconv.Itoa(i.StepBudget), infoFeatures: strings.Join(i.Features, ","),
		infoOffline: strings.Join(i.Offline, ","),
	} {
		if err := s.SetMeta(ctx, k, v); err != nil {
			return err
		}
	}
	return nil
}
