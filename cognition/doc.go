// Package cognition is the campaign's cognition base: human priors given
// before the run and the lessons the analyzer writes back during it. Each
// step retrieves items relevant to its context nodes and shows them to the
// researcher.
//
// A Store keeps items with their vectors: Embedded (default) in the
// campaign's SQLite database with an exact in-memory search, or Weaviate,
// shared by several campaigns and machines. A Base puts an Embedder in front
// of a Store and adds what the loop needs: seeding from Markdown, merged and
// filtered retrieval, write-back with near-duplicate merging, and a durable
// queue of write-backs that failed.
//
// Rules kept here:
//   - An item's ID is derived from its kind and normalized content, so
//     importing the same document twice stores it once.
//   - A store records the embedder and vector dimension it was built with
//     and refuses vectors of another embedder (ErrEmbedderMismatch).
//   - A write-back never fails the caller's step: when the store is down it
//     is queued in the campaign database and applied when the store is
//     back (ErrQueued tells the caller it was deferred).
//   - Similarities are cosine similarities of unit vectors, in [-1, 1];
//     min_score and the merge threshold are compared against them.
package cognition
