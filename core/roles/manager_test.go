package roles

import (
	"testing"
)

func TestParseManagerAndSame(t *testing.T) {
	r, a := ParseManager("<researcher> try grids </researcher>\n<analyzer>compare</analyzer>")
	if r != "try grids" || a != "compare" {
		t.Fatalf("ParseManager = %q, %q", r, a)
	}
	if ParseSame("No, they differ.") || !ParseSame("Yes.") || !ParseSame("unclear") {
		t.Fatal("ParseSame: only a leading no means different")
	}
}
