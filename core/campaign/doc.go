// Package campaign reads the campaign file: the HCL document that
// `asi apply` and `asi plan` take. It owns the file's schema, its defaults,
// its validation and the diagnostics that point back into the source.
//
// Rules inside the package:
//
//   - Every mistake a user can fix is an hcl.Diagnostic with a summary, a
//     detail and a subject range, so it prints with the offending source line.
//     Decoding goes on after a mistake so one run reports as many as it can.
//   - Defaults live in one place (defaults.go); a zero value left in a decoded
//     Config means "unlimited" or "not set", never "forgot to default".
//   - An API key never appears in a diagnostic, in a printed snippet of the
//     source, or in the String/GoString of a Model. Use Config.Redacted for
//     anything shown to a person.
//   - Expressions see no variables, only functions: env("NAME") and a set of
//     the cty standard library functions (see functions.go). Role arguments
//     are references (model.main), read as traversals and never evaluated.
//   - Executor bodies are kept undecoded (hcl.Body); the executor that owns
//     the type decodes them with its own schema.
//   - The task block is evaluated but not checked here: its schema belongs
//     to the task plugin, which reports problems as attribute paths;
//     Config.TaskRange turns a path back into a source range.
//   - Relative paths in the file (cognition seed globs, model record and
//     replay files, plugin paths) are relative to the file's directory; Config.Resolve
//     turns them into usable paths.
package campaign
