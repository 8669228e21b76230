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

// dsnParams are the settings in the driver's data source name: its own
// keys; the ConnectHook above sets wal_autocheckpoint, which has none.
var dsnParams = params{
	always:      "_busy_timeout=10000",
	write:       "_journal_mode=WAL&_synchronous=NORMAL&_txlock=immediate",
	foreignKeys: "_foreign_keys=1",
	queryOnly:   "_query_only=1",
}
