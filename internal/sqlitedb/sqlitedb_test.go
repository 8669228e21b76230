package sqlitedb

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func TestMigrate(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "test.db")
	v1 := fstest.MapFS{"m/001_items.sql": {Data: []byte("CREATE TABLE items (id INTEGER PRIMARY KEY);")}}
	v2 := fstest.MapFS{
		"m/001_items.sql": v1["m/001_items.sql"],
		"m/002_name.sql":  {Data: []byte("ALTER TABLE items ADD COLUMN name TEXT;")},
	}
	migrate := func(fsys fstest.MapFS) (int, error) {
		t.Helper()
		db, err := Open(file, true)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		return Migrate(ctx, db, "test_migrations", fsys, "m")
	}
	if v, err := migrate(v1); err != nil || v != 1 {
		t.Fatalf("first open: version %d, %v; want 1", v, err)
	}
	// Applying again changes nothing; a new file is applied once.
	for range 2 {
		if v, err := migrate(v2); err != nil || v != 2 {
			t.Fatalf("upgrade: version %d, %v; want 2", v, err)
		}
	}
	// An older asi, knowing only the first file, refuses the database.
	if _, err := migrate(v1); !errors.Is(err, ErrNewerSchema) || !strings.Contains(err.Error(), "version 2, this asi knows up to 1") {
		t.Errorf("older migrations: %v, want ErrNewerSchema naming both versions", err)
	}
	bad := fstest.MapFS{"m/first.sql": {Data: []byte("SELECT 1;")}}
	if _, err := migrate(bad); err == nil || !strings.Contains(err.Error(), "first.sql: bad version prefix") {
		t.Errorf("unnumbered migration: %v, want a bad version prefix error", err)
	}
	broken := fstest.MapFS{"m/003_broken.sql": {Data: []byte("CREATE TABLE (;")}}
	if _, err := migrate(broken); err == nil || !strings.Contains(err.Error(), "migration 003_broken.sql") {
		t.Errorf("broken migration: %v, want an error naming it", err)
	}
}
