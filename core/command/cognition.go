package command

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/asi-evolve/asi/cognition"
	"github.com/asi-evolve/asi/core/campaign"
)

type cognitionArgs struct {
	state string
	file  string
	json  bool
	limit int
	kind  string
}

func runCognition(ctx context.Context, args []string, s Streams) int {
	const usageLine = "search|list|import|export [flags] [QUERY|PATH...]"
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintln(s.Stderr, "Usage: asi cognition "+usageLine)
		return exitUsage
	}
	sub := args[0]
	var a cognitionArgs
	fs := newFlags("cognition "+sub, "[flags] ...", s)
	fs.StringVar(&a.state, "state", "", "campaign directory (default: the campaign of -file, or the only one under .asi/)")
	fs.StringVar(&a.file, "file", "", "campaign file whose cognition block says which store and embedder to use")
	fs.BoolVar(&a.json, "json", false, "print JSON lines")
	fs.IntVar(&a.limit, "n", 5, "search: results to show")
	fs.StringVar(&a.kind, "kind", "", "list/export: only items of this kind (prior, insight, failure)")
	pos, code, ok := parseFlags(fs, args[1:])
	if !ok {
		return code
	}
	if err := cognitionVerb(ctx, sub, a, pos, fs, s); err != nil {
		if errors.Is(err, errUsage) {
			fmt.Fprintf(s.Stderr, "asi cognition: %v\n", err)
			fs.Usage()
			return exitUsage
		}
		fmt.Fprintf(s.Stderr, "Error: %v\n", err)
		return exitError
	}
	return exitOK
}

var errUsage = errors.New("bad usage")

func cognitionVerb(ctx context.Context, sub string, a cognitionArgs, pos []string, fs *flag.FlagSet, s Streams) error {
	switch sub {
	case "search":
		if len(pos) == 0 {
			return fmt.Errorf("%w: search needs a query", errUsage)
		}
	case "import":
		if len(pos) == 0 {
			return fmt.Errorf("%w: import needs files (.md or .jsonl)", errUsage)
		}
	case "list", "export":
	default:
		return fmt.Errorf("%w: unknown subcommand %q (want search, list, import or export)", errUsage, sub)
	}
	cfg := &campaign.Config{Cognition: campaign.Cognition{Store: campaign.StoreEmbedded}}
	dir := a.state
	if a.file != "" {
		loaded, ok := loadCampaign(a.file, s.Stderr)
		if !ok {
			return fmt.Errorf("%s has errors", a.file)
		}
		cfg = loaded
		if dir == "" {
			dir = campaignDir(cfg.Campaign.Name)
		}
	} else {
		found, err := findCampaignDir(a.state, "", s.Stderr)
		if err != nil {
			return err
		}
		dir = found
	}
	base, db, err := openCognition(ctx, cfg, dir)
	if err != nil {
		return err
	}
	defer db.Close()
	defer base.Close()
	switch sub {
	case "search":
		hits, err := base.Search(ctx, strings.Join(pos, " "), a.limit)
		if err != nil {
			return err
		}
		if a.json {
			items := make([]cognition.Item, len(hits))
			for i, h := range hits {
				items[i] = h.Item
			}
			return cognition.WriteJSONL(s.Stdout, items)
		}
		for i, h := range hits {
			fmt.Fprintf(s.Stdout, "%d. [%s, score %.3f, similarity %.3f] %s\n   %s\n", i+1, h.Kind, h.Score, h.Similarity, h.Source, indent(h.Content))
		}
		if len(hits) == 0 {
			fmt.Fprintln(s.Stdout, "No items match.")
		}
	case "list", "export":
		items, err := base.Store().Items(ctx)
		if err != nil {
			return err
		}
		kept := items[:0]
		for _, it := range items {
			if a.kind == "" || string(it.Kind) == a.kind {
				kept = append(kept, it)
			}
		}
		if sub == "export" || a.json {
			return cognition.WriteJSONL(s.Stdout, kept)
		}
		for _, it := range kept {
			fmt.Fprintf(s.Stdout, "%s  %-7s x%d  %s\n   %s\n", it.ID[:8], it.Kind, it.Count, it.Source, indent(it.Content))
		}
		fmt.Fprintf(s.Stdout, "%d items\n", len(kept))
	case "import":
		items, err := readCognitionFiles(pos)
		if err != nil {
			return err
		}
		added, err := base.Import(ctx, items)
		if err != nil {
			return err
		}
		fmt.Fprintf(s.Stdout, "Imported %d items (%d new) into %s\n", len(items), added, dir)
	}
	return nil
}

func indent(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 400 {
		s = s[:400] + "..."
	}
	return strings.ReplaceAll(s, "\n", "\n   ")
}
