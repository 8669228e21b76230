package command

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/asi-evolve/asi/cognition"
	"github.com/asi-evolve/asi/core/backend"
	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/core/views"
)

// cognitionArgs are the sub-verb, flags and arguments of `asi cognition`.
type cognitionArgs struct {
	sub   string // search, list, import or export
	state string
	file  string
	json  bool
	limit int
	kind  string
	terms []string // the query words of search, the files of import
}

// errUsage marks an error that is the caller's misuse of the verb: the
// flags are printed after it and the exit code is 2.
var errUsage = errors.New("bad usage")

// runCognition searches, lists, imports or exports the cognition base of a
// campaign.
func runCognition(ctx context.Context, args []string, s Streams) int {
	stderr := views.View{W: s.Stderr}
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		stderr.UsageLine("cognition", "search|list|import|export [flags] [QUERY|PATH...]")
		return exitUsage
	}
	a := cognitionArgs{sub: args[0]}
	fs := newFlags("cognition "+a.sub, "[flags] ...", s)
	fs.StringVar(&a.state, "state", "", "campaign directory (default: the campaign of -file, or the only one under .asi/)")
	fs.StringVar(&a.file, "file", "", "campaign file whose cognition block says which store and embedder to use")
	fs.BoolVar(&a.json, "json", false, "print JSON lines")
	fs.IntVar(&a.limit, "n", 5, "search: results to show")
	fs.StringVar(&a.kind, "kind", "", "list/export: only items of this kind (prior, insight, failure)")
	terms, code, ok := parseFlags(fs, args[1:])
	if !ok {
		return code
	}
	a.terms = terms
	err := checkCognitionArgs(a)
	if err == nil {
		err = cognitionVerb(ctx, a, s)
	}
	switch {
	case errors.Is(err, errUsage):
		stderr.Problem("cognition", err)
		fs.Usage()
		return exitUsage
	case err != nil:
		stderr.Error(err)
		return exitError
	}
	return exitOK
}

// checkCognitionArgs refuses an unknown sub-verb or one missing its
// arguments, before anything is opened.
func checkCognitionArgs(a cognitionArgs) error {
	switch a.sub {
	case "search":
		if len(a.terms) == 0 {
			return fmt.Errorf("%w: search needs a query", errUsage)
		}
	case "import":
		if len(a.terms) == 0 {
			return fmt.Errorf("%w: import needs files (.md or .jsonl)", errUsage)
		}
	case "list", "export":
	default:
		return fmt.Errorf("%w: unknown subcommand %q (want search, list, import or export)", errUsage, a.sub)
	}
	return nil
}

// cognitionVerb opens the cognition base a names and runs its sub-verb.
func cognitionVerb(ctx context.Context, a cognitionArgs, s Streams) error {
	cfg, dir, err := cognitionCampaign(a, s)
	if err != nil {
		return err
	}
	base, db, err := backend.OpenCognition(ctx, cfg, dir)
	if err != nil {
		return err
	}
	defer db.Close()
	defer base.Close()
	// export writes JSON lines whatever -json says: it is the import format.
	out := views.View{W: s.Stdout, JSON: a.json || a.sub == "export"}
	switch a.sub {
	case "search":
		hits, err := base.Search(ctx, strings.Join(a.terms, " "), a.limit)
		if err != nil {
			return err
		}
		return out.CognitionHits(hits)
	case "list", "export":
		items, err := base.Store().Items(ctx)
		if err != nil {
			return err
		}
		return out.CognitionItems(ofKind(items, a.kind))
	case "import":
		items, err := backend.ReadCognitionFiles(a.terms)
		if err != nil {
			return err
		}
		added, err := base.Import(ctx, items)
		if err != nil {
			return err
		}
		return out.CognitionImported(len(items), added, dir)
	}
	return nil
}

// cognitionCampaign finds the campaign whose base a names: the campaign
// of -file (its cognition block says which store and embedder), else the
// embedded store of -state or of the only campaign under .asi/.
func cognitionCampaign(a cognitionArgs, s Streams) (*campaign.Config, string, error) {
	if a.file == "" {
		dir, err := findCampaignDir(a.state, "", s.Stderr)
		return &campaign.Config{Cognition: campaign.Cognition{Store: campaign.StoreEmbedded}}, dir, err
	}
	cfg, ok := loadCampaign(a.file, s.Stderr)
	if !ok {
		return nil, "", fmt.Errorf("%s has errors", a.file)
	}
	dir := a.state
	if dir == "" {
		dir = campaignDir(cfg.Campaign.Name)
	}
	return cfg, dir, nil
}

// ofKind keeps the items of kind, or all of them when kind is empty.
func ofKind(items []cognition.Item, kind string) []cognition.Item {
	if kind == "" {
		return items
	}
	return slices.DeleteFunc(items, func(it cognition.Item) bool { return string(it.Kind) != kind })
}
