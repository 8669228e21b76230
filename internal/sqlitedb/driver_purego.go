//go:build !cgo

package sqlitedb

import (
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// DriverName is the database/sql driver the databases are opened with in
// a build without cgo: SQLite translated to Go (see driver_cgo.go).
const DriverName = "sqlite"

// dsnParams are the settings in the driver's data source name.
var dsnParams = params{
	always:      "_pragma=busy_timeout(10000)",
	write:       "_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=wal_autocheckpoint(10000)&_txlock=immediate",
	foreignKeys: "_pragma=foreign_keys(ON)",
	queryOnly:   "_pragma=query_only(1)",
}
