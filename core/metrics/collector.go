package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/asi-evolve/asi/core/report"
	"github.com/asi-evolve/asi/core/store"
)

// Source names a campaign and opens its store for one scrape.
type Source struct {
	Name  string
	Store func(ctx context.Context) (*store.Store, error)
}

// Collector reads each campaign of a list at every scrape.
type Collector struct {
	sources func() []Source
	timeout time.Duration

	steps, running, evals, calls, tokens, cost, best, evalTime, scrapeErrors *prometheus.Desc
}

// evalBuckets span a cheap check (ms) to a training job (an hour), in seconds.
var evalBuckets = []float64{0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600}

// NewCollector returns a collector over the campaigns sources lists at each
// scrape.
func NewCollector(sources func() []Source) *Collector {
	l := []string{"campaign"}
	return &Collector{
		sources:      sources,
		timeout:      10 * time.Second,
		steps:        prometheus.NewDesc("asi_steps_total", "Steps with a stored node, the initial program excluded.", l, nil),
		running:      prometheus.NewDesc("asi_steps_running", "Steps claimed and not finished (abandoned ones included).", l, nil),
		evals:        prometheus.NewDesc("asi_evaluations_total", "Stored nodes by outcome (ok, failed, or infra_failed: the evaluation could not run), the initial program included.", append(l, "outcome"), nil),
		calls:        prometheus.NewDesc("asi_llm_calls_total", "LLM calls made, interrupted steps included.", l, nil),
		tokens:       prometheus.NewDesc("asi_llm_tokens_total", "LLM tokens by kind (prompt or completion).", append(l, "kind"), nil),
		cost:         prometheus.NewDesc("asi_llm_cost_usd_total", "Money spent on LLM calls, in US dollars.", l, nil),
		best:         prometheus.NewDesc("asi_best_score", "Primary score of the best valid node.", append(l, "metric"), nil),
		evalTime:     prometheus.NewDesc("asi_evaluation_duration_seconds", "Time spent evaluating a candidate (sandbox and executor stages together).", l, nil),
		scrapeErrors: prometheus.NewDesc("asi_scrape_errors", "1 when the campaign's store could not be read at this scrape.", l, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.steps, c.running, c.evals, c.calls, c.tokens, c.cost, c.best, c.evalTime, c.scrapeErrors} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	for _, src := range c.sources() {
		failed := 0.0
		if err := c.collect(ctx, src, ch); err != nil {
			failed = 1
		}
		ch <- prometheus.MustNewConstMetric(c.scrapeErrors, prometheus.GaugeValue, failed, src.Name)
	}
}

func (c *Collector) collect(ctx context.Context, src Source, ch chan<- prometheus.Metric) error {
	st, err := src.Store(ctx)
	if err != nil {
		return err
	}
	camp, err := report.Load(ctx, st)
	if err != nil {
		return err
	}
	name := src.Name
	ok, failed, infra := 0, 0, 0
	counts := map[float64]uint64{}
	var sum float64
	for _, n := range camp.Nodes {
		switch {
		case n.Valid:
			ok++
		case n.Status == store.StatusInfraFailed:
			infra++
		default:
			failed++
		}
		secs := n.EvalTime.Seconds()
		sum += secs
		for _, b := range evalBuckets {
			if secs <= b {
				counts[b]++
			}
		}
	}
	ch <- prometheus.MustNewConstMetric(c.steps, prometheus.CounterValue, float64(camp.Done()), name)
	ch <- prometheus.MustNewConstMetric(c.running, prometheus.GaugeValue, float64(camp.Unfinished()), name)
	ch <- prometheus.MustNewConstMetric(c.evals, prometheus.CounterValue, float64(ok), name, "ok")
	ch <- prometheus.MustNewConstMetric(c.evals, prometheus.CounterValue, float64(failed), name, "failed")
	ch <- prometheus.MustNewConstMetric(c.evals, prometheus.CounterValue, float64(infra), name, store.StatusInfraFailed)
	ch <- prometheus.MustNewConstMetric(c.calls, prometheus.CounterValue, float64(camp.Usage.Calls), name)
	ch <- prometheus.MustNewConstMetric(c.tokens, prometheus.CounterValue, float64(camp.Usage.PromptTokens), name, "prompt")
	ch <- prometheus.MustNewConstMetric(c.tokens, prometheus.CounterValue, float64(camp.Usage.CompletionTokens), name, "completion")
	ch <- prometheus.MustNewConstMetric(c.cost, prometheus.CounterValue, camp.Usage.CostUSD, name)
	if best, has := camp.Best(); has {
		ch <- prometheus.MustNewConstMetric(c.best, prometheus.GaugeValue, best.Score, name, camp.Primary)
	}
	ch <- prometheus.MustNewConstHistogram(c.evalTime, uint64(len(camp.Nodes)), sum, counts, name)
	return nil
}

var _ prometheus.Collector = (*Collector)(nil)
