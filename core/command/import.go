package command

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/asi-evolve/asi/core/importer"
	"github.com/asi-evolve/asi/core/views"
)

// runImport writes a campaign file for a folder made for another system.
func runImport(ctx context.Context, args []string, s Streams) int {
	fs := newFlags("import", "[flags] openevolve|shinka|asi-evolve DIR", s)
	out := fs.String("o", "", "where to write the campaign file (default DIR/campaign.hcl)")
	force := fs.Bool("force", false, "overwrite a campaign file that exists")
	offline := fs.Bool("offline", false, "write the folder's models as comments: the campaign runs offline until they are uncommented")
	pos, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 2 {
		fs.Usage()
		return exitUsage
	}
	kind, dir := pos[0], pos[1]
	c, err := importer.Import(kind, dir, importer.Options{Offline: *offline})
	if err != nil {
		return fail(err, s)
	}
	file := *out
	if file == "" {
		file = filepath.Join(dir, "campaign.hcl")
	}
	if rel, err := filepath.Rel(dir, filepath.Dir(file)); err != nil || rel != "." {
		return fail(fmt.Errorf("%s: the campaign file must be written in %s, where its paths start", file, dir), s)
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if *force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(file, flags, 0o644)
	if errors.Is(err, os.ErrExist) {
		return fail(fmt.Errorf("%s exists; -force overwrites it", file), s)
	}
	if err != nil {
		return fail(err, s)
	}
	_, werr := f.WriteString(c.Text)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return fail(fmt.Errorf("write %s: %w", file, werr), s)
	}
	return render((views.View{W: s.Stdout}).Imported(views.Imported{File: file, Kind: kind, Name: c.Name, Unmapped: c.Unmapped}), s)
}
