// Command asi-task-datacuration is the task plugin for evolving a document
// filter and cleaner: the candidate writes curate(doc) -> (keep, text), a
// fixed harness applies it to every document of the shipped corpus
// (corpus.jsonl, from package corpus), and the plugin trains a word
// trigram model on the kept text and measures it. `make build` puts it
// beside bin/asi.
//
// Rules:
//   - Text outside the EVOLVE block must equal the initial program's, so
//     the harness that calls curate is the task's.
//   - The program only decides; Score trains the model and computes every
//     metric in Go, on held-out clean text and a probe the program never
//     sees. Printed scores mean nothing.
//   - Cleaning may only delete: the cleaned text's words must be a
//     subsequence of the document's, so a candidate cannot write the
//     training data it is judged on.
//   - Documents reach the candidate in an order drawn from the seed, so
//     decisions remembered by position are worth nothing.
//   - Keeping nothing is invalid; keeping less text than MinKeep of what
//     the clean documents hold scales the score down.
package main
