package diffs

import (
	"strings"
	"testing"

	"github.com/asi-evolve/asi/internal/benchdata"
)

// benchProgram is the engine benchmark's program: circle packing's
// initial Go program, about 5 KB with one EVOLVE block.
func benchProgram(b *testing.B) string {
	b.Helper()
	data, err := benchdata.Load("../..")
	if err != nil {
		b.Fatal(err)
	}
	return data.Code
}

// benchReply is an offline researcher's reply to code: two blocks of a
// few lines each inside the EVOLVE block, the second one line long, as
// the engine benchmark's steps have them.
func benchReply(b *testing.B, code string) string {
	b.Helper()
	lines := strings.Split(code, "\n")
	at := -1
	for i, l := range lines {
		if strings.Contains(l, benchdata.Tunable) {
			at = i
		}
	}
	if at < 1 {
		b.Fatalf("no line %q", benchdata.Tunable)
	}
	blocks := []Block{
		{Search: strings.Join(lines[at-1:at+2], "\n") + "\n",
			Replace: lines[at-1] + "\n" + strings.Replace(lines[at], "0.20", "0.21", 1) + "\n" + lines[at+1] + "\n"},
		{Search: lines[at+5] + "\n", Replace: strings.Replace(lines[at+5], "0.37", "0.36", 1) + "\n"},
	}
	return "<name>mutate-2-consts</name>\n<motivation>Offline search step.</motivation>\n<diff>\n" + FormatBlocks(blocks) + "</diff>\n"
}

func BenchmarkRegions(b *testing.B) {
	code := benchProgram(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Regions(code); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseReply(b *testing.B) {
	reply := benchReply(b, benchProgram(b))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseReply(reply); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkApply(b *testing.B) {
	code := benchProgram(b)
	r, err := ParseReply(benchReply(b, code))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		got, err := Apply(code, r.Blocks)
		if err != nil {
			b.Fatal(err)
		}
		if got == code {
			b.Fatal("Apply left the code unchanged")
		}
	}
}
