package report

import (
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// frontPlots draws, for a campaign with objectives, the front on its first
// two objectives and the hypervolume after each step; none otherwise.
func (c *Campaign) frontPlots() ([]Plot, error) {
	if !c.HasObjectives() {
		return nil, nil
	}
	var plots []Plot
	f := c.Front()
	if len(f.Objectives) >= 2 && len(f.Members) > 0 {
		p := plot.New()
		p.Title.Text = "Pareto front"
		p.X.Label.Text = axisLabel(f.Objectives[0].Metric, f.Objectives[0].Direction)
		p.Y.Label.Text = axisLabel(f.Objectives[1].Metric, f.Objectives[1].Direction)
		xys := make(plotter.XYs, len(f.Members))
		for i, m := range f.Members {
			xys[i] = plotter.XY{X: m.Values[0], Y: m.Values[1]}
		}
		s, err := plotter.NewScatter(xys)
		if err != nil {
			return nil, fmt.Errorf("front plot: %w", err)
		}
		s.GlyphStyle.Color = colourNode
		s.GlyphStyle.Radius = vg.Points(3)
		s.GlyphStyle.Shape = draw.CircleGlyph{}
		p.Add(s, plotter.NewGrid())
		pl, err := render("front", "Pareto front", p, plotHeight)
		if err != nil {
			return nil, err
		}
		plots = append(plots, pl)
	}
	if curve := c.HypervolumeCurve(); len(curve) > 0 {
		p := plot.New()
		p.Title.Text = "Hypervolume by step"
		p.X.Label.Text = "step"
		p.Y.Label.Text = "hypervolume"
		xys := make(plotter.XYs, len(curve))
		for i, pt := range curve {
			xys[i] = plotter.XY{X: float64(pt.Step), Y: pt.Hypervolume}
		}
		l, err := plotter.NewLine(xys)
		if err != nil {
			return nil, fmt.Errorf("hypervolume plot: %w", err)
		}
		l.Color = colourBest
		l.Width = vg.Points(1.5)
		l.StepStyle = plotter.PostStep
		p.Add(l, plotter.NewGrid())
		pl, err := render("hypervolume", "Hypervolume by step", p, plotHeight*2/3)
		if err != nil {
			return nil, err
		}
		plots = append(plots, pl)
	}
	return plots, nil
}

func axisLabel(metric, direction string) string {
	if direction == "minimize" {
		return metric + " (lower is better)"
	}
	return metric + " (higher is better)"
}
