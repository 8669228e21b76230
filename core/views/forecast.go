package views

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/asi-evolve/asi/core/forecast"
)

// writeForecast prints plan's cost forecast: totals, one line per role
// and model, wall time, the caps that end the campaign early and where
// each number comes from.
func writeForecast(w io.Writer, f forecast.Forecast) {
	if f.NoModel {
		fmt.Fprintf(w, "\nWhat it will cost: nothing (every role runs offline: no model is called, no money, no tokens)\n")
	} else {
		fmt.Fprintf(w, "\nWhat it will cost (%s):\n", f.From)
	}
	if f.HistoryError != "" {
		fmt.Fprintf(w, "  history:     could not read the campaign's history (%s); estimated as for a new campaign\n", f.HistoryError)
	}
	if f.NoModel {
		return
	}
	unknown := ""
	if len(f.PriceUnknown) > 0 {
		unknown = " + price unknown for model." + strings.Join(f.PriceUnknown, ", model.")
	}
	switch {
	case f.Total != nil && f.Steps == 0:
		fmt.Fprintf(w, "  total:       no step left of the budget (%d stored)", f.StepsDone)
		if f.Total.Calls > 0 {
			fmt.Fprintf(w, "; %s", amount(*f.Total, unknown))
		}
		fmt.Fprintln(w)
	case f.Total != nil:
		fmt.Fprintf(w, "  total:       %d steps%s: %s\n", f.Steps, stepsLeft(f), amount(*f.Total, unknown))
	default:
		fmt.Fprintf(w, "  total:       no step budget: see per step and the caps\n")
	}
	fmt.Fprintf(w, "  per step:    %s\n", amount(f.PerStep, unknown))
	for i, l := range f.Lines {
		label := "  by role:     "
		if i > 0 {
			label = strings.Repeat(" ", len(label))
		}
		fmt.Fprintf(w, "%s%-10s  %-14s %s, %s prompt + %s completion tokens, %s",
			label, l.Role, "model."+l.Model, calls(l.PerStep.Calls), count(l.PerStep.PromptTokens), count(l.PerStep.CompletionTokens), stepDollars(l.PerStep))
		if l.Once != nil {
			fmt.Fprintf(w, "; once: %s, %s", calls(l.Once.Calls), dollars(*l.Once))
		}
		fmt.Fprintf(w, " (%s; price: %s)\n", l.From, l.Price)
	}
	wall := (time.Duration(f.Wall.TotalSeconds * float64(time.Second))).Round(time.Second)
	perStep := (time.Duration(f.Wall.PerStepSeconds * float64(time.Second))).Round(100 * time.Millisecond)
	atLeast := ""
	if f.Wall.AtLeast {
		atLeast = "at least "
	}
	if f.Total != nil {
		fmt.Fprintf(w, "  wall:        %s%s (%s%s a step)\n", atLeast, wall, atLeast, perStep)
	} else {
		fmt.Fprintf(w, "  wall:        %s%s a step\n", atLeast, perStep)
	}
	for _, c := range f.Caps {
		fmt.Fprintf(w, "  warning:     %s\n", c.Message)
	}
	for _, warning := range f.Warnings {
		fmt.Fprintf(w, "  warning:     %s\n", warning)
	}
	fmt.Fprintf(w, "  estimated from:\n")
	for _, n := range f.Notes {
		fmt.Fprintf(w, "    - %s\n", n)
	}
}

func stepsLeft(f forecast.Forecast) string {
	if f.StepsDone == 0 {
		return ""
	}
	return fmt.Sprintf(" left (%d stored)", f.StepsDone)
}

// amount writes calls, tokens and dollars; unknown names the models
// whose calls have no price.
func amount(a forecast.Amount, unknown string) string {
	usd := "$" + usdString(a.USD)
	if a.PriceUnknown {
		usd += unknown
	}
	return fmt.Sprintf("about %s, %s tokens (%s prompt, %s completion), %s",
		calls(a.Calls), count(a.Tokens()), count(a.PromptTokens), count(a.CompletionTokens), usd)
}

// dollars is a line's cost, or "price unknown".
func dollars(a forecast.Amount) string {
	if a.PriceUnknown {
		return "price unknown"
	}
	return "$" + usdString(a.USD)
}

// stepDollars is a line's cost a step, or "price unknown".
func stepDollars(a forecast.Amount) string {
	if a.PriceUnknown {
		return "price unknown"
	}
	return "$" + usdString(a.USD) + " a step"
}

func usdString(v float64) string {
	if v >= 0.1 || v == 0 {
		return fmt.Sprintf("%.2f", v)
	}
	return fmt.Sprintf("%.2g", v)
}

// calls writes a count of calls.
func calls(n float64) string {
	if n == 1 {
		return "1 call"
	}
	return count(n) + " calls"
}

// count writes an expected count briefly: 0.3, 12, 4.1k, 2.3M.
func count(x float64) string {
	switch {
	case x >= 1e6:
		return fmt.Sprintf("%.1fM", x/1e6)
	case x >= 1e4:
		return fmt.Sprintf("%.0fk", x/1e3)
	case x >= 1e3:
		return fmt.Sprintf("%.1fk", x/1e3)
	case x >= 10:
		return fmt.Sprintf("%.0f", x)
	}
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", x), "0"), ".")
}
