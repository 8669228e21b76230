package command

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// offsite finds anything in a page that a browser would fetch elsewhere.
var offsite = regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?\s*(https?:|//)|<script|<link|@import|url\(`)

func TestReportIsSelfContained(t *testing.T) {
	root := t.TempDir()
	c := buildCampaign(t, root, 16)
	best, _ := c.Best()
	out := filepath.Join(t.TempDir(), "report.html")
	plots := filepath.Join(t.TempDir(), "plots")
	stdout, stderr, code := run(t, "report", "-o", out, "-plots", plots, "-json", filepath.Join(root, "demo"))
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var files struct{ Files []string }
	if err := json.Unmarshal([]byte(stdout), &files); err != nil {
		t.Fatalf("-json output %q: %v", stdout, err)
	}
	if len(files.Files) != 5 { // the page, and score and failures as SVG and PNG
		t.Errorf("wrote %v, want the report and four plot files", files.Files)
	}
	for _, f := range files.Files[1:] {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if ok := bytes.HasPrefix(body, []byte("\x89PNG")) || bytes.Contains(body[:min(len(body), 200)], []byte("<svg")) || bytes.Contains(body[:min(len(body), 200)], []byte("<?xml")); !ok {
			t.Errorf("%s is neither a PNG nor an SVG", f)
		}
	}
	body, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	page := string(body)
	if m := offsite.FindString(page); m != "" {
		t.Errorf("the report fetches from elsewhere: %q", m)
	}
	if n := strings.Count(page, `src="data:image/svg`); n != 2 {
		t.Errorf("%d inlined plots, want 2", n)
	}
	if want := fmt.Sprintf(`<b id="best-score">%.6g</b>`, best.Score); !strings.Contains(page, want) {
		t.Errorf("the report lacks %s", want)
	}

	// In a browser with no network, every plot still renders.
	browser := newBrowser(t)
	ctx, cancel := context.WithTimeout(browser, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+out), chromedp.WaitVisible("#best-score")); err != nil {
		t.Fatal(err)
	}
	loaded, err := chromedp.Run(ctx, chromedp.Poll[int]("(() => { const i = [...document.images]; return i.length && i.every((x) => x.complete && x.naturalWidth > 0) ? i.length : 0 })()"))
	if err != nil || loaded != 2 {
		t.Errorf("%d plots rendered offline, want 2 (%v)", loaded, err)
	}
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		os.WriteFile(filepath.Join(artifactDir(t), "report.png"), png, 0o644)
	}
}

func TestReportNeedsNodes(t *testing.T) {
	dir := t.TempDir()
	_, stderr, code := run(t, "report", "-o", filepath.Join(t.TempDir(), "r.html"), dir)
	if code != exitError || !strings.Contains(stderr, "no campaign") {
		t.Fatalf("exit %d, stderr %q; want 1 and a hint", code, stderr)
	}
}
