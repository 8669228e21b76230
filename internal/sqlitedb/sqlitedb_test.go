package sqlitedb

import (
	"context"
	"database/sql"
	"errors"
	"maps"
	"path/filepath"
	"slices"
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

// Every connection has the settings Open and OpenReader promise, with
// either driver (this test runs in builds with and without cgo).
func TestSettings(t *testing.T) {
	file := filepath.Join(t.TempDir(), "test.db")
	pragmas := func(db *sql.DB, names ...string) map[string]string {
		t.Helper()
		got := map[string]string{}
		for _, name := range names {
			var v string
			if err := db.QueryRow("PRAGMA " + name).Scan(&v); err != nil {
				t.Fatalf("PRAGMA %s: %v", name, err)
			}
			got[name] = v
		}
		return got
	}
	db, err := Open(file, true)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	want := map[string]string{"journal_mode": "wal", "synchronous": "1", "foreign_keys": "1",
		"wal_autocheckpoint": "10000", "busy_timeout": "10000", "query_only": "0"}
	if got := pragmas(db, slices.Collect(maps.Keys(want))...); !maps.Equal(got, want) {
		t.Errorf("writer: %v, want %v", got, want)
	}
	noKeys, err := Open(filepath.Join(t.TempDir(), "other.db"), false)
	if err != nil {
		t.Fatal(err)
	}
	defer noKeys.Close()
	if got := pragmas(noKeys, "foreign_keys")["foreign_keys"]; got != "0" {
		t.Errorf("Open without foreign keys: foreign_keys = %s", got)
	}
	// A transaction takes the write lock when it begins: a second handle
	// cannot begin one while the first holds it.
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	other, err := sql.Open(DriverName, dsn(file, settings{write: true}))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.Exec("PRAGMA busy_timeout = 0"); err != nil {
		t.Fatal(err)
	}
	other.SetMaxOpenConns(1)
	if tx2, err := other.Begin(); err == nil {
		tx2.Rollback()
		t.Error("a second transaction began while the first held the write lock")
	}
	tx.Rollback()

	reads, err := OpenReader(file, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer reads.Close()
	if got := pragmas(reads, "query_only", "busy_timeout"); got["query_only"] != "1" || got["busy_timeout"] != "10000" {
		t.Errorf("reader: %v, want query_only 1 and busy_timeout 10000", got)
	}
	if _, err := reads.Exec("CREATE TABLE t (x)"); err == nil {
		t.Error("the reader wrote")
	}
}
