package views

import (
	"errors"
	"flag"
	"strings"
	"testing"
)

func TestUsageListsCommandsSorted(t *testing.T) {
	var b strings.Builder
	if err := (View{W: &b}).UnknownCommand("destroy", map[string]string{"show": "show a node", "apply": "run a campaign"}); err != nil {
		t.Fatal(err)
	}
	want := "asi: unknown command \"destroy\"\n\n" +
		"Usage: asi <command> [flags] [args]\n\nCommands:\n" +
		"  apply    run a campaign\n" +
		"  show     show a node\n" +
		"\nRun 'asi <command> -h' for a command's flags.\n"
	if b.String() != want {
		t.Errorf("got\n%q\nwant\n%q", b.String(), want)
	}
}

func TestFlagUsageWritesToView(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	var elsewhere strings.Builder
	fs.SetOutput(&elsewhere)
	fs.Bool("json", false, "print JSON")
	var b strings.Builder
	if err := (View{W: &b}).FlagUsage("status", "[flags] [DIR]", fs); err != nil {
		t.Fatal(err)
	}
	want := "Usage: asi status [flags] [DIR]\n\nFlags:\n  -json\n    \tprint JSON\n"
	if b.String() != want || elsewhere.Len() != 0 || fs.Output() != &elsewhere {
		t.Errorf("got %q (elsewhere %q), want %q and the flag set's output restored", b.String(), elsewhere.String(), want)
	}
}

func TestErrorLines(t *testing.T) {
	tests := []struct {
		name  string
		write func(View) error
		want  string
	}{
		{"error", func(v View) error { return v.Error(errors.New("no campaign here")) }, "Error: no campaign here\n"},
		{"problem", func(v View) error { return v.Problem("sandbox run", errors.New("-memory: bad")) }, "asi sandbox run: -memory: bad\n"},
		{"usage line", func(v View) error { return v.UsageLine("cognition", "search [flags]") }, "Usage: asi cognition search [flags]\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if err := tt.write(View{W: &b}); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("got %q, want %q", b.String(), tt.want)
			}
		})
	}
}
