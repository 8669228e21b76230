// Package report is the one read model of a stored campaign. Load reads a
// campaign's store once into a Campaign, which answers what every reader
// asks: the summary (campaign, task, primary metric and its direction,
// budget, offline roles), the initial, best and top nodes, the best score
// so far by step, failure counts and reasons, unfinished steps, LLM usage,
// recent events, the research counters and the manager's latest words.
// `asi apply`'s final report, status, show, best, export, ablate, the
// dashboard and /metrics all read through it. The package also writes the
// HTML report, one self-contained file with plots drawn by gonum/plot.
//
// Rules kept here:
//   - The store is only read.
//   - One direction rule: a larger primary score is better unless the
//     campaign recorded "minimize" (Maximize, Better). Ties between equal
//     scores go to the older node.
//   - Research counters are store.CountResearch over the stored nodes: the
//     same counting the engine does for a running campaign.
//   - The HTML references nothing outside itself (no CDN, no font or
//     script URL): plots are inlined as data: URIs, so the file opens
//     offline and can be mailed.
package report
