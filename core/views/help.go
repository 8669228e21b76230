package views

import (
	"flag"
	"fmt"
	"maps"
	"slices"
)

// Usage writes the list of asi's commands, sorted by name, from a map of
// command name to its one-line summary.
func (v View) Usage(summaries map[string]string) error {
	fmt.Fprintln(v.W, "Usage: asi <command> [flags] [args]")
	fmt.Fprintln(v.W, "\nCommands:")
	for _, name := range slices.Sorted(maps.Keys(summaries)) {
		fmt.Fprintf(v.W, "  %-8s %s\n", name, summaries[name])
	}
	_, err := fmt.Fprintln(v.W, "\nRun 'asi <command> -h' for a command's flags.")
	return err
}

// UnknownCommand says that name is not a command, then lists the commands.
func (v View) UnknownCommand(name string, summaries map[string]string) error {
	fmt.Fprintf(v.W, "asi: unknown command %q\n\n", name)
	return v.Usage(summaries)
}

// UsageLine writes "Usage: asi VERB LINE": what a verb given nothing it
// can use prints.
func (v View) UsageLine(verb, line string) error {
	_, err := fmt.Fprintf(v.W, "Usage: asi %s %s\n", verb, line)
	return err
}

// FlagUsage writes a verb's usage line and the defaults of its flags. The
// flags are written to v.W whatever fs's own output is.
func (v View) FlagUsage(verb, line string, fs *flag.FlagSet) error {
	_, err := fmt.Fprintf(v.W, "Usage: asi %s %s\n\nFlags:\n", verb, line)
	out := fs.Output()
	fs.SetOutput(v.W)
	fs.PrintDefaults()
	fs.SetOutput(out)
	return err
}

// Error writes "Error: ERR": a problem the user can fix, after any
// diagnostics the verb printed.
func (v View) Error(err error) error {
	_, werr := fmt.Fprintf(v.W, "Error: %v\n", err)
	return werr
}

// Problem writes "asi VERB: ERR": input a verb cannot use, or a run that
// could not start.
func (v View) Problem(verb string, err error) error {
	_, werr := fmt.Fprintf(v.W, "asi %s: %v\n", verb, err)
	return werr
}
