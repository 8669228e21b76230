package sqlitedb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ErrNewerSchema is returned by Migrate when the database records a
// migration newer than any it was given: a newer asi wrote it.
var ErrNewerSchema = errors.New("database schema is newer than this asi")

// Open opens (creating if needed) the database file. WAL with
// synchronous=NORMAL survives a killed process without losing a committed
// transaction; busy_timeout covers another process using the file;
// transactions take the write lock when they begin, so two writers never
// deadlock upgrading read locks. With foreignKeys, SQLite enforces them.
// The WAL is copied into the database (a checkpoint, with its fsyncs)
// every 10,000 pages (40 MB) instead of SQLite's 1,000: the pages every
// step rewrites (index leaves, the last page of each table) are copied
// once per checkpoint, not once per 100 steps.
func Open(file string, foreignKeys bool) (*sql.DB, error) {
	db, err := sql.Open(DriverName, dsn(file, settings{write: true, foreignKeys: foreignKeys}))
	if err != nil {
		return nil, err
	}
	// One connection serialises writers inside this process, which SQLite
	// does anyway, and avoids SQLITE_BUSY between our own goroutines.
	db.SetMaxOpenConns(1)
	return db, nil
}

// settings are what a connection is opened for.
type settings struct {
	write       bool // WAL mode, synchronous=NORMAL, immediate transactions
	foreignKeys bool
	queryOnly   bool
}

// params spell settings in a driver's data source name (dsnParams).
type params struct{ always, write, foreignKeys, queryOnly string }

// dsn is the data source name that opens file with the settings of s.
func dsn(file string, s settings) string {
	d := "file:" + file + "?" + dsnParams.always
	if s.write {
		d += "&" + dsnParams.write
	}
	if s.foreignKeys {
		d += "&" + dsnParams.foreignKeys
	}
	if s.queryOnly {
		d += "&" + dsnParams.queryOnly
	}
	return d
}

// OpenReader opens a second handle on a database Open opened, for reads
// only, with up to conns connections: in WAL mode a reader sees the last
// commit and waits for no writer, while every query on Open's single
// connection waits for the transaction in progress there.
func OpenReader(file string, conns int) (*sql.DB, error) {
	db, err := sql.Open(DriverName, dsn(file, settings{queryOnly: true}))
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	return db, nil
}

// Migrate applies the migrations in dir of fsys (files named
// <version>_<name>.sql) that table does not record yet, in version order,
// each in its own transaction with its record; versions up to the newest
// recorded are taken as applied. It returns the newest
// version applied, or an error wrapping ErrNewerSchema when the database
// records a version newer than every file.
func Migrate(ctx context.Context, db *sql.DB, table string, fsys fs.FS, dir string) (int, error) {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS `+table+` (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	current, err := Version(ctx, db, table)
	if err != nil {
		return 0, err
	}
	files, err := fs.Glob(fsys, path.Join(dir, "*.sql"))
	if err != nil {
		return 0, err
	}
	slices.Sort(files)
	latest := 0
	for _, f := range files {
		name := path.Base(f)
		prefix, _, _ := strings.Cut(name, "_")
		version, err := strconv.Atoi(prefix)
		if err != nil {
			return 0, fmt.Errorf("migration %s: bad version prefix", name)
		}
		latest = max(latest, version)
		if version <= current {
			continue
		}
		body, err := fs.ReadFile(fsys, f)
		if err != nil {
			return 0, err
		}
		// The check is inside the write transaction: another process
		// opening the same new database may have applied it meanwhile.
		err = InTx(ctx, db, func(tx *sql.Tx) error {
			var applied int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` WHERE version = ?`, version).Scan(&applied); err != nil || applied > 0 {
				return err
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO `+table+` (version, name, applied_at) VALUES (?, ?, ?)`,
				version, name, time.Now().UTC().Format(time.RFC3339Nano))
			return err
		})
		if err != nil {
			return 0, fmt.Errorf("migration %s: %w", name, err)
		}
	}
	if current, err = Version(ctx, db, table); err != nil {
		return 0, err
	}
	if current > latest {
		return current, fmt.Errorf("%w (version %d, this asi knows up to %d)", ErrNewerSchema, current, latest)
	}
	return current, nil
}

// Version is the newest migration table records, 0 for none.
func Version(ctx context.Context, db *sql.DB, table string) (int, error) {
	var v int
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM `+table).Scan(&v); err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	return v, nil
}

// InTx runs fn in a transaction, committed when fn returns nil and rolled
// back otherwise.
func InTx(ctx context.Context, db *sql.DB, fn func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}
