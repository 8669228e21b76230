package store

import (
	"context"
	"io/fs"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/asi-evolve/asi/internal/sqlitedb"
)

func sampleFindings() []Finding {
	return []Finding{
		{NodeID: 3, Source: FindingSourceAudit, Attack: "huge-all", Kind: "library", Description: "every number 1e300",
			Score: 1e300, Bound: 4.5, BoundText: "the best honest score 3 by 50%", Code: "print([1e300])", Feedback: "ok"},
		{NodeID: InitialProgramNode, Source: FindingSourceCommand, Attack: "optimiser-12", Kind: "optimiser",
			Score: 2.9, Bound: 2.635, BoundText: "the declared known best", Code: "print(1)"},
	}
}

func TestFindingsRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	if got, err := s.Findings(ctx); err != nil || len(got) != 0 {
		t.Fatalf("findings of a new store = %v, %v; want none", got, err)
	}
	added := sampleFindings()
	if err := s.AddFindings(ctx, added, Event{Step: 4, NodeID: 3, Kind: EventRedteam, Message: "node 3: 2 findings in 40 attempts"}); err != nil {
		t.Fatal(err)
	}
	// A pass that finds nothing stores its event alone.
	if err := s.AddFindings(ctx, nil, Event{Step: 6, NodeID: 5, Kind: EventRedteam, Message: "node 5: 40 attempts, no finding"}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Findings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(added, got, cmpopts.IgnoreFields(Finding{}, "ID", "CreatedAt")); diff != "" {
		t.Errorf("findings (-added +read):\n%s", diff)
	}
	if got[0].ID >= got[1].ID || got[0].CreatedAt.IsZero() {
		t.Errorf("findings %d, %d at %v; want ids oldest first and a time", got[0].ID, got[1].ID, got[0].CreatedAt)
	}
	events, err := s.EventsOfKind(ctx, EventRedteam)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 || events[0].NodeID != 3 || events[0].Step != 4 || events[1].NodeID != 5 {
		t.Errorf("redteam events = %+v; want one per pass with its node and step", events)
	}
}

// TestAddFindingsFailureLosesNothing: a refused or failed write stores
// none of its findings and events, and what was stored before stays.
func TestAddFindingsFailureLosesNothing(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	before := sampleFindings()
	if err := s.AddFindings(ctx, before, Event{Kind: EventRedteam, Message: "first pass"}); err != nil {
		t.Fatal(err)
	}
	// The events insert fails inside the transaction, after the findings.
	if _, err := s.db.ExecContext(ctx, `CREATE TRIGGER refuse_boom BEFORE INSERT ON events WHEN NEW.kind = 'boom'
		BEGIN SELECT RAISE(ABORT, 'disk says no'); END`); err != nil {
		t.Fatal(err)
	}
	nan := sampleFindings()[:1]
	nan[0].Score = math.NaN()
	for _, tc := range []struct {
		name    string
		fs      []Finding
		event   Event
		wantErr string
	}{
		{"non-finite score", nan, Event{Kind: EventRedteam, Message: "x"}, "score NaN is not a finite number"},
		{"no attack", []Finding{{NodeID: 2, Score: 1}}, Event{Kind: EventRedteam, Message: "x"}, "names no attack"},
		{"write fails midway", sampleFindings(), Event{Kind: "boom", Message: "x"}, "disk says no"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s.AddFindings(ctx, tc.fs, tc.event)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("AddFindings = %v; want an error saying %q", err, tc.wantErr)
			}
			got, err := s.Findings(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(before, got, cmpopts.IgnoreFields(Finding{}, "ID", "CreatedAt")); diff != "" {
				t.Errorf("findings after a failed write (-before +now):\n%s", diff)
			}
			if events, _ := s.Events(ctx, 10); len(events) != 1 {
				t.Errorf("events = %+v; want only the first pass's", events)
			}
		})
	}
}

// TestOldStoreMigratesToFindings opens a store written before findings
// existed: its nodes stay and findings can be added.
func TestOldStoreMigratesToFindings(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	old := fstest.MapFS{}
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasPrefix(filepath.Base(f), "006_") {
			break
		}
		body, err := fs.ReadFile(migrations, f)
		if err != nil {
			t.Fatal(err)
		}
		old[f] = &fstest.MapFile{Data: body}
	}
	db, err := sqlitedb.Open(filepath.Join(dir, FileName), true)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := sqlitedb.Migrate(ctx, db, "schema_migrations", old, "migrations"); err != nil || v != 5 {
		t.Fatalf("old schema = %d, %v; want version 5", v, err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('task', 'old')`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatalf("open the old store: %v", err)
	}
	defer s.Close()
	if v, err := s.SchemaVersion(ctx); err != nil || v < 6 {
		t.Fatalf("schema version = %d, %v; want 6 or more", v, err)
	}
	if task, err := s.Meta(ctx, "task"); err != nil || task != "old" {
		t.Errorf("meta after migrating = %q, %v; want what was stored", task, err)
	}
	if got, err := s.Findings(ctx); err != nil || len(got) != 0 {
		t.Errorf("findings of a migrated store = %v, %v; want none", got, err)
	}
	if err := s.AddFindings(ctx, sampleFindings()); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Findings(ctx); len(got) != 2 {
		t.Errorf("findings = %d; want 2", len(got))
	}
}
