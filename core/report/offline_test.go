package report

import (
	"bytes"
	"html"
	"strings"
	"testing"

	"github.com/asi-evolve/asi/core/store"
)

// TestWriteHTMLOffline: an offline campaign's report names the roles that
// ran with no model and shows no LLM cost card.
func TestWriteHTMLOffline(t *testing.T) {
	c := campaign("maximize")
	c.Usage, c.Offline = store.Usage{Offline: 4}, []string{"researcher", "analyzer"}
	var b bytes.Buffer
	if err := WriteHTML(&b, c, nil, Options{}); err != nil {
		t.Fatal(err)
	}
	page := html.UnescapeString(b.String())
	for _, want := range []string{`<b id="llm">no model</b>offline: researcher, analyzer`, `<p id="offline">Offline, with no model: researcher, analyzer.`} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(page, "LLM cost") {
		t.Error("an offline report shows an LLM cost card")
	}
}
