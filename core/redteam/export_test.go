package redteam

// Hooks for the external tests: the Go side of a plan, to compare with
// the Python wrapper's.
var (
	ParseJSONForTest  = parseJSON
	RenderJSONForTest = renderJSON
	WrapPythonForTest = wrapPython
)
