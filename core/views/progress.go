package views

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"

	"github.com/asi-evolve/asi/core/engine"
)

// Progress shows a running campaign. Update is called after each stored
// node; Finish once at the end.
type Progress interface {
	Update(p engine.Progress)
	Finish()
}

// NewProgress picks a live bar for terminals, plain lines for logs and
// nothing for -json output.
func NewProgress(w io.Writer, jsonOutput bool, primary string) Progress {
	if jsonOutput {
		return noProgress{}
	}
	if f, ok := w.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
		return newBar(w, primary)
	}
	return &lineProgress{w: w, primary: primary, every: 10 * time.Second}
}

type noProgress struct{}

func (noProgress) Update(engine.Progress) {}
func (noProgress) Finish()                {}

type barProgress struct {
	bar     *progressbar.ProgressBar
	w       io.Writer
	primary string
}

func newBar(w io.Writer, primary string) *barProgress {
	return &barProgress{primary: primary, w: w, bar: progressbar.NewOptions(-1,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("starting"),
		progressbar.OptionShowCount(),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionShowDescriptionAtLineEnd(),
	)}
}

func (b *barProgress) Update(p engine.Progress) {
	if p.Total > 0 && b.bar.GetMax() != p.Total {
		b.bar.ChangeMax(p.Total)
	}
	b.bar.Describe(describe(p, b.primary))
	b.bar.Set(p.Done)
}

func (b *barProgress) Finish() {
	b.bar.Exit()
	fmt.Fprintln(b.w)
}

// describe is the one-line state shown beside the bar: best score,
// failures and their rate, evaluations that could not run (when any),
// money spent and, with a step budget, the time left at this run's pace.
func describe(p engine.Progress, primary string) string {
	best := "none"
	if p.HasBest {
		best = fmt.Sprintf("%.6g", p.Best)
	}
	line := fmt.Sprintf("best %s %s | failed %d", primary, best, p.Failures)
	if p.Done > 0 {
		line += fmt.Sprintf(" (%.0f%%)", 100*float64(p.Failures)/float64(p.Done))
	}
	if p.InfraFailures > 0 {
		line += fmt.Sprintf(" | not evaluated %d", p.InfraFailures)
	}
	line += " | spent " + formatUSD(p.Spend)
	if eta, ok := estimate(p); ok {
		line += " | ETA " + eta.String()
	}
	return line
}

// estimate is the time the remaining steps take at this run's pace.
func estimate(p engine.Progress) (time.Duration, bool) {
	if p.Total <= 0 || p.RunSteps <= 0 || p.Elapsed <= 0 {
		return 0, false
	}
	left := max(p.Total-p.Done, 0)
	eta := time.Duration(float64(p.Elapsed) / float64(p.RunSteps) * float64(left))
	return eta.Round(time.Second), true
}

func formatUSD(v float64) string {
	if v != 0 && v < 0.01 {
		return fmt.Sprintf("$%.4f", v)
	}
	return fmt.Sprintf("$%.2f", v)
}

// lineProgress prints a line now and then, for logs and CI.
type lineProgress struct {
	w       io.Writer
	primary string
	every   time.Duration
	last    time.Time
	latest  engine.Progress
	printed bool
}

func (l *lineProgress) Update(p engine.Progress) {
	l.latest = p
	if time.Since(l.last) < l.every && l.printed {
		return
	}
	l.print()
}

func (l *lineProgress) print() {
	l.last, l.printed = time.Now(), true
	p := l.latest
	total := "?"
	if p.Total > 0 {
		total = fmt.Sprint(p.Total)
	}
	fmt.Fprintf(l.w, "[%s] step %d/%s  %s\n", p.Elapsed.Round(time.Second), p.Done, total, describe(p, l.primary))
}

func (l *lineProgress) Finish() {
	if l.printed {
		l.print()
	}
}
