// Package roles turns the engine's state into prompts for the LLM roles and
// their replies back into results.
//
// The researcher designs the next candidate; the analyzer explains what an
// experiment showed. Prompts are text/template files embedded from
// templates/, so a reader can see exactly what a model is told. The offline
// analyzer needs no model: it reports metric deltas against the best context
// node, which is what a campaign without keys can honestly say.
package roles
