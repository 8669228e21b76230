//go:build cgo

package sqlitedb

import (
	"database/sql"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// DriverName is the database/sql driver the databases are opened with:
// SQLite itself, compiled in through cgo. A campaign's step spends most
// of its time in SQLite's writes, which the C library does a sixth
// faster than its translation to Go (BenchmarkCommitStep); builds
// without a C compiler use the translation (driver_purego.go), and read
// and write the same files.
const DriverName = "asi-sqlite"

func init() {
	sql.Register(DriverName, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		// The WAL is copied into the database every 10,000 pages (see
		// Open); a connection that never commits ignores it.
		_, err := c.Exec("PRAGMA wal_autocheckpoint = 10000", nil)
		return err
	}})
}

// dsn is the data source name that opens file with the settings of s.
func dsn(file string, s settings) string {
	d := "file:" + file + "?_busy_timeout=10000"
	if s.write {
		d += "&_journal_mode=WAL&_synchronous=NORMAL&_txlock=immediate"
	}
	if s.foreignKeys {
		d += "&_foreign_keys=1"
	}
	if s.queryOnly {
		d += "&_query_only=1"
	}
	return d
}
