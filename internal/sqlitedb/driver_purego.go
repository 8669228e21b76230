//go:build !cgo

package sqlitedb

import (
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// DriverName is the database/sql driver the databases are opened with in
// a build without cgo: SQLite translated to Go (see driver_cgo.go).
const DriverName = "sqlite"

// dsn is the data source name that opens file with the settings of s.
func dsn(file string, s settings) string {
	d := "file:" + file + "?_pragma=busy_timeout(10000)"
	if s.write {
		d += "&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=wal_autocheckpoint(10000)&_txlock=immediate"
	}
	if s.foreignKeys {
		d += "&_pragma=foreign_keys(ON)"
	}
	if s.queryOnly {
		d += "&_pragma=query_only(1)"
	}
	return d
}
