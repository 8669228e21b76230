// Package report reads a campaign's store into the figures people look at
// (score curve, lineage, top nodes, failure reasons, cost) and writes them
// as one self-contained HTML file with plots drawn by gonum/plot.
//
// Rules: the store is only read. The HTML references nothing outside
// itself (no CDN, no font or script URL): plots are inlined as data: URIs,
// so the file opens offline and can be mailed.
package report
