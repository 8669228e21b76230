// Package dashboard serves the web dashboard of `asi ui`: the campaign
// list, a campaign's live view, the lineage tree, node pages with diffs,
// the cognition items used, the MAP-Elites grid, and /metrics.
//
// Rules kept here:
//   - Campaigns are read through the read model (report.Load): best,
//     initial, counters, failure reasons and recent events come from it,
//     never from queries of their own.
//   - Every GET only reads the campaign stores. The one mutating endpoint
//     (a note on a node) needs the bearer token the server was started
//     with, and is refused when it was started without one.
//   - Every JSON response passes through the redactor: the values of the
//     secrets handed in Config.Redact (API keys from the environment) never
//     leave the server, even if a prompt or an error recorded one.
//   - The front end is plain HTML, CSS and JavaScript embedded in the
//     binary; a page loads nothing from another origin.
package dashboard
