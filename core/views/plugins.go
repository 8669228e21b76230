package views

import (
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
)

// PluginRow is one plugin `asi plugins` found.
type PluginRow struct {
	Kind        string   `json:"kind"`
	Name        string   `json:"name"`
	Version     string   `json:"version,omitempty"`
	Protocol    int      `json:"protocol,omitempty"`
	APIVersions []string `json:"api_versions,omitempty"`
	Path        string   `json:"path"`
	Source      string   `json:"source"`
	// Rejected says why the plugin cannot be used; empty when it can.
	Rejected string `json:"rejected,omitempty"`
}

// Plugins writes the plugins found: as text a table, or a line naming the
// searched directories when there are none; as JSON an array (empty, not
// null, when there are none).
func (v View) Plugins(rows []PluginRow, searched []string) error {
	if v.JSON {
		if rows == nil {
			rows = []PluginRow{}
		}
		return v.json(rows)
	}
	if len(rows) == 0 {
		_, err := fmt.Fprintf(v.W, "No plugins found. Searched: %s\n", strings.Join(searched, ", "))
		return err
	}
	tw := tabwriter.NewWriter(v.W, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tNAME\tVERSION\tPROTOCOL\tAPI\tPATH\tSTATUS")
	for _, r := range rows {
		status := "ok"
		if r.Rejected != "" {
			status = "rejected: " + r.Rejected
		}
		protocol := "-"
		if r.Protocol > 0 {
			protocol = strconv.Itoa(r.Protocol)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Kind, r.Name, orDash(r.Version), protocol,
			orDash(strings.Join(r.APIVersions, ",")), r.Path, status)
	}
	return tw.Flush()
}

// orDash shows an unknown value as "-" so that table columns stay aligned.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
