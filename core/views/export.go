package views

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/asi-evolve/asi/core/store"
)

// ExportFormats are the formats Export writes.
var ExportFormats = []string{"jsonl", "csv"}

type exportRecord struct {
	ID         int64              `json:"id"`
	Step       int64              `json:"step"`
	Parents    []int64            `json:"parents"`
	Name       string             `json:"name"`
	Motivation string             `json:"motivation"`
	Valid      bool               `json:"valid"`
	Status     string             `json:"status"`
	Score      *float64           `json:"score"`
	Metrics    map[string]float64 `json:"metrics"`
	Error      string             `json:"error,omitempty"`
	Analysis   string             `json:"analysis,omitempty"`
	Island     int                `json:"island"`
	EvalMS     int64              `json:"eval_ms"`
	CreatedAt  string             `json:"created_at"`
	Code       string             `json:"code"`
	// Files lists a program of several files (its code stays whole in
	// Code); absent for one file, or when a path is invalid.
	Files []ProgramFile `json:"files,omitempty"`
}

// Export writes every node: jsonl (one object a line, with code, and the
// files of a program of several files) or csv (a column per metric,
// without code).
func Export(w io.Writer, nodes []store.Node, format string) error {
	switch format {
	case "jsonl":
		enc := json.NewEncoder(w)
		for _, n := range nodes {
			r := exportRecord{ID: n.ID, Step: n.Step, Parents: n.Parents, Name: n.Name, Motivation: n.Motivation,
				Valid: n.Valid, Status: n.Status, Metrics: n.Metrics, Error: n.Error, Analysis: n.Analysis,
				Island: n.Island, EvalMS: n.EvalTime.Milliseconds(), CreatedAt: n.CreatedAt.Format("2006-01-02T15:04:05.000Z07:00"), Code: n.Code}
			if n.Valid {
				s := n.Score
				r.Score = &s
			}
			// One node with a bad path must not stop the export; its code
			// is still there, and scripts write files only from Files.
			r.Files, _ = ProgramFiles(n.Code)
			if err := enc.Encode(r); err != nil {
				return fmt.Errorf("export node %d: %w", n.ID, err)
			}
		}
		return nil
	case "csv":
		metricSet := map[string]bool{}
		for _, n := range nodes {
			for k := range n.Metrics {
				metricSet[k] = true
			}
		}
		metrics := slices.Sorted(maps.Keys(metricSet))
		cw := csv.NewWriter(w)
		header := append([]string{"id", "step", "parents", "name", "valid", "status", "score", "island", "eval_ms", "error"}, metrics...)
		cw.Write(header)
		for _, n := range nodes {
			parents := make([]string, len(n.Parents))
			for i, p := range n.Parents {
				parents[i] = strconv.FormatInt(p, 10)
			}
			score := ""
			if n.Valid {
				score = strconv.FormatFloat(n.Score, 'g', -1, 64)
			}
			row := []string{strconv.FormatInt(n.ID, 10), strconv.FormatInt(n.Step, 10), strings.Join(parents, " "), n.Name,
				strconv.FormatBool(n.Valid), n.Status, score, strconv.Itoa(n.Island), strconv.FormatInt(n.EvalTime.Milliseconds(), 10), n.Error}
			for _, m := range metrics {
				v, ok := n.Metrics[m]
				if ok {
					row = append(row, strconv.FormatFloat(v, 'g', -1, 64))
				} else {
					row = append(row, "")
				}
			}
			cw.Write(row)
		}
		cw.Flush()
		return cw.Error()
	}
	return fmt.Errorf("unknown export format %q (use %s)", format, strings.Join(ExportFormats, " or "))
}
