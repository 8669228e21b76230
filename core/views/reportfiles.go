package views

import (
	"encoding/json"
	"fmt"
)

// ReportFiles says which files `asi report` wrote; "-" stands for the page
// written to standard output, and is only listed in JSON.
func (v View) ReportFiles(files []string) error {
	if v.JSON {
		return json.NewEncoder(v.W).Encode(map[string]any{"files": files})
	}
	for _, f := range files {
		if f != "-" {
			if _, err := fmt.Fprintf(v.W, "wrote %s\n", f); err != nil {
				return err
			}
		}
	}
	return nil
}
