// Package diffs reads a researcher's reply and turns it into a new program.
// It is the one owner of the edit formats: whoever writes or reads them goes
// through this package.
//
// It owns three things: the reply format (tags <name>, <motivation>, <diff>,
// <program>; see ParseReply), SEARCH/REPLACE blocks (ParseBlocks reads them,
// FormatBlocks writes them, Apply applies them), and the EVOLVE-BLOCK rules
// (Regions, CheckRewrite). The offline search operator (roles.Offline) finds
// its editable lines with Regions and writes its edits with FormatBlocks.
//
// Rules kept here:
//   - Only the text between a line containing EVOLVE-BLOCK-START and the next
//     line containing EVOLVE-BLOCK-END may change; the marker lines never
//     change. A program without markers is editable everywhere. The cases in
//     testdata/evolve pin this reading down, and sdk.SplitEvolveBlock is
//     checked against the same files here.
//   - What FormatBlocks writes, ParseBlocks reads back as the same blocks.
//   - A SEARCH text matches whole lines, exactly once, inside one region.
//     Trailing whitespace is ignored only when no exact match exists.
//   - A program of several files (package bundle) keeps its header lines:
//     a region lies inside one file, no edit or rewrite adds, removes,
//     renames or reorders a file, and a block's File line (Block.File)
//     limits it to that file.
//   - Every failure is a typed error wrapping a sentinel from errors.go, with
//     a message written to be sent back to the model as the reason.
//   - Nothing is silently dropped or shortened: a quoted line that is too long
//     for a message says that it was shortened and how long it is.
//
// The package is pure text processing and safe for concurrent use.
package diffs
