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
	// Isolation and Detail describe a built-in executor (Source "built
	// in") on this machine: the isolation its jobs get, and why.
	Isolation string `json:"isolation,omitempty"`
	Detail    string `json:"detail,omitempty"`
}

// builtIn is the Source of the executors compiled into asi.
const builtIn = "built in"

// BuiltinExecutorRow is a built-in executor as `asi plugins` lists it.
func BuiltinExecutorRow(name, isolation, detail string) PluginRow {
	return PluginRow{Kind: "executor", Name: name, Source: builtIn, Isolation: isolation, Detail: detail}
}

// Plugins writes the plugins found and the built-in executors: as text a
// table (or a line naming the searched directories when no plugin was
// found) and then the built-in executors with their isolation; as JSON one
// array of both.
func (v View) Plugins(rows []PluginRow, searched []string) error {
	if v.JSON {
		if rows == nil {
			rows = []PluginRow{}
		}
		return v.json(rows)
	}
	var found, builtins []PluginRow
	for _, r := range rows {
		if r.Source == builtIn {
			builtins = append(builtins, r)
		} else {
			found = append(found, r)
		}
	}
	if err := v.pluginTable(found, searched); err != nil {
		return err
	}
	if len(builtins) == 0 {
		return nil
	}
	fmt.Fprintln(v.W, "\nBuilt-in executors on this machine:")
	tw := tabwriter.NewWriter(v.W, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tISOLATION\tDETAIL")
	for _, r := range builtins {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.Name, r.Isolation, r.Detail)
	}
	return tw.Flush()
}

// pluginTable writes the plugins found, or where none was found.
func (v View) pluginTable(rows []PluginRow, searched []string) error {
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
