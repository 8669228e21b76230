package report

import (
	"bytes"
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Plot is one rendered figure.
type Plot struct {
	Name  string // file stem: "score", "failures"
	Title string
	SVG   []byte
	PNG   []byte
}

// Plot sizes; the SVG scales in the page, the PNG is for slides.
const (
	plotWidth  = 7 * vg.Inch
	plotHeight = 3.5 * vg.Inch
)

var (
	colourNode    = color.RGBA{R: 0x4c, G: 0x78, B: 0xa8, A: 0xff}
	colourBest    = color.RGBA{R: 0xe4, G: 0x57, B: 0x56, A: 0xff}
	colourFailure = color.RGBA{R: 0x9a, G: 0x9a, B: 0x9a, A: 0xff}
)

// Plots draws the campaign's figures: the score curve always, the failure
// reasons when some node failed.
func (c *Campaign) Plots() ([]Plot, error) {
	score, err := c.scorePlot()
	if err != nil {
		return nil, err
	}
	plots := []Plot{score}
	front, err := c.frontPlots()
	if err != nil {
		return nil, err
	}
	plots = append(plots, front...)
	if f := c.Failures(); len(f) > 0 {
		p, err := failurePlot(f)
		if err != nil {
			return nil, err
		}
		plots = append(plots, p)
	}
	return plots, nil
}

func (c *Campaign) scorePlot() (Plot, error) {
	p := plot.New()
	p.Title.Text = "Score by step"
	p.X.Label.Text = "step"
	p.Y.Label.Text = c.Primary
	var nodes, best plotter.XYs
	var failed []float64
	for _, pt := range c.Curve() {
		if pt.Valid {
			nodes = append(nodes, plotter.XY{X: float64(pt.Step), Y: pt.Score})
		} else {
			failed = append(failed, float64(pt.Step))
		}
		if pt.Has {
			best = append(best, plotter.XY{X: float64(pt.Step), Y: pt.Best})
		}
	}
	if len(nodes) > 0 {
		s, err := plotter.NewScatter(nodes)
		if err != nil {
			return Plot{}, fmt.Errorf("score plot: %w", err)
		}
		s.GlyphStyle.Color = colourNode
		s.GlyphStyle.Radius = vg.Points(2)
		s.GlyphStyle.Shape = draw.CircleGlyph{}
		p.Add(s)
		p.Legend.Add("node", s)
	}
	if len(best) > 0 {
		l, err := plotter.NewLine(best)
		if err != nil {
			return Plot{}, fmt.Errorf("score plot: %w", err)
		}
		l.Color = colourBest
		l.Width = vg.Points(1.5)
		l.StepStyle = plotter.PostStep
		p.Add(l)
		p.Legend.Add("best so far", l)
	}
	if len(failed) > 0 && len(nodes) > 0 {
		// Failures have no score: mark them on the bottom edge.
		lo := nodes[0].Y
		for _, xy := range nodes {
			lo = min(lo, xy.Y)
		}
		xys := make(plotter.XYs, len(failed))
		for i, x := range failed {
			xys[i] = plotter.XY{X: x, Y: lo}
		}
		s, err := plotter.NewScatter(xys)
		if err != nil {
			return Plot{}, fmt.Errorf("score plot: %w", err)
		}
		s.GlyphStyle.Color = colourBest
		s.GlyphStyle.Radius = vg.Points(3)
		s.GlyphStyle.Shape = draw.CrossGlyph{}
		p.Add(s)
		p.Legend.Add("failed", s)
	}
	// Scores climb towards the top right when maximizing: keep the legend
	// out of their way.
	p.Legend.Top = !c.Maximize()
	p.Legend.Left = false
	p.Add(plotter.NewGrid())
	return render("score", "Score by step", p, plotHeight)
}

func failurePlot(reasons []Reason) (Plot, error) {
	const shown = 8
	if len(reasons) > shown {
		reasons = reasons[:shown]
	}
	p := plot.New()
	p.Title.Text = "Failures by reason"
	p.Y.Label.Text = "nodes"
	values := make(plotter.Values, len(reasons))
	names := make([]string, len(reasons))
	for i, r := range reasons {
		values[i] = float64(r.Count)
		names[i] = clip(r.Reason, 28)
	}
	bars, err := plotter.NewBarChart(values, vg.Points(24))
	if err != nil {
		return Plot{}, fmt.Errorf("failure plot: %w", err)
	}
	bars.Color = colourFailure
	bars.LineStyle.Width = 0
	p.Add(bars)
	p.NominalX(names...)
	return render("failures", "Failures by reason", p, plotHeight*2/3)
}

func render(name, title string, p *plot.Plot, height vg.Length) (Plot, error) {
	out := Plot{Name: name, Title: title}
	for _, format := range []string{"svg", "png"} {
		w, err := p.WriterTo(plotWidth, height, format)
		if err != nil {
			return out, fmt.Errorf("plot %s: %w", name, err)
		}
		var buf bytes.Buffer
		if _, err := w.WriteTo(&buf); err != nil {
			return out, fmt.Errorf("plot %s: %w", name, err)
		}
		if format == "svg" {
			out.SVG = buf.Bytes()
		} else {
			out.PNG = buf.Bytes()
		}
	}
	return out, nil
}
