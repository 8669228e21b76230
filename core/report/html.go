package report

import (
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/sdk/bundle"
)

//go:embed templates/report.html.tmpl
var templates embed.FS

// Options tune the HTML report.
type Options struct {
	// Top is the number of rows of the top table; default 10.
	Top int
	// Now stamps the report; default time.Now.
	Now time.Time
}

type page struct {
	C           *Campaign
	Generated   string
	Done        int
	Failures    int
	FailureRate string
	Infra       int // nodes whose evaluation could not run
	Best        *store.Node
	Initial     *store.Node
	Gain        string
	Lineage     []store.Node
	Top         []store.Node
	Reasons     []Reason
	Plots       []inlinePlot
	CostPerStep string
}

type inlinePlot struct {
	Title string
	URI   template.URL
}

// WriteHTML writes the self-contained report of c with plots (from
// c.Plots) inlined.
func WriteHTML(w io.Writer, c *Campaign, plots []Plot, opt Options) error {
	if len(c.Nodes) == 0 {
		return ErrNoNodes
	}
	if opt.Top <= 0 {
		opt.Top = 10
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	tmpl, err := template.New("report.html.tmpl").Funcs(template.FuncMap{
		"score": formatScore,
		"deref": func(n *store.Node) store.Node { return *n },
		"inc":   func(i int) int { return i + 1 },
		"first": FirstLine,
		"join":  func(s []string) string { return strings.Join(s, ", ") },
		"files": programFiles,
		"lines": countLines,
		"usd":   func(v float64) string { return fmt.Sprintf("$%.4f", v) },
		"ms":    func(d time.Duration) string { return d.Round(time.Millisecond).String() },
		"metrics": func(m map[string]float64) string {
			var parts []string
			for _, k := range slices.Sorted(maps.Keys(m)) {
				parts = append(parts, fmt.Sprintf("%s=%.6g", k, m[k]))
			}
			return strings.Join(parts, " ")
		},
	}).ParseFS(templates, "templates/report.html.tmpl")
	if err != nil {
		return fmt.Errorf("report template: %w", err)
	}
	p := page{
		C: c, Generated: opt.Now.UTC().Format(time.RFC3339), Done: c.Done(), Failures: c.FailureCount(), Infra: c.InfraFailureCount(),
		Top: c.Top(opt.Top), Reasons: c.Failures(),
	}
	if p.Done > 0 {
		p.FailureRate = fmt.Sprintf("%.0f%%", 100*float64(p.Failures)/float64(p.Done))
		p.CostPerStep = fmt.Sprintf("$%.4f", c.Usage.CostUSD/float64(p.Done))
	}
	if best, ok := c.Best(); ok {
		p.Best = &best
		p.Lineage = c.Lineage(best.ID)
	}
	if ini, ok := c.Initial(); ok {
		p.Initial = &ini
		if ini.Valid && p.Best != nil && ini.Score != 0 {
			p.Gain = fmt.Sprintf("%+.2f%%", 100*(p.Best.Score-ini.Score)/math.Abs(ini.Score))
		}
	}
	for _, pl := range plots {
		p.Plots = append(p.Plots, inlinePlot{
			Title: pl.Title,
			// The SVG is our own output, so it is safe to inline as an image.
			URI: template.URL("data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString(pl.SVG)),
		})
	}
	if err := tmpl.Execute(w, p); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

func formatScore(n store.Node) string {
	if !n.Valid {
		return "failed"
	}
	return fmt.Sprintf("%.6g", n.Score)
}

// programFiles returns the files of a program of several files, each shown
// under its own heading; nil, for the whole text in one block, for a
// program of one file or one that does not split.
func programFiles(code string) []bundle.File {
	if !bundle.IsBundle(code) {
		return nil
	}
	files, err := bundle.Split(code)
	if err != nil {
		return nil
	}
	return files
}

// countLines says how many lines s has, "1 line" or "N lines"; a last
// line without "\n" counts.
func countLines(s string) string {
	n := strings.Count(s, "\n")
	if s != "" && !strings.HasSuffix(s, "\n") {
		n++
	}
	if n == 1 {
		return "1 line"
	}
	return fmt.Sprintf("%d lines", n)
}
