// Package corpus generates the data-curation task's documents: clean
// articles about a small invented world in five topics, mixed with the
// kinds of junk web crawls are full of (boilerplate, spam, duplicates,
// markup debris, truncated and machine-garbled text), plus the held-out
// clean text and the multiple-choice probe the scorer uses.
//
// Rules:
//   - Everything is a pure function of the seed: the shipped corpus file is
//     Generate(ShippedSeed) and a test checks that it still is.
//   - The world's facts ("<entity> <relation> <value>") are stated truly
//     in clean documents and falsely in spam, so a language model trained
//     on unfiltered text answers the probe worse.
//   - Only clean documents are ever used for held-out text and the probe;
//     held-out documents are never part of the corpus.
package corpus
