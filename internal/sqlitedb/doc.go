// Package sqlitedb opens the SQLite databases asi keeps (the campaign
// database and the cognition tables beside it) with the same settings, and
// applies their numbered schema migrations. It sits under internal/ because
// both core/store and cognition use it and cognition must not import core.
//
// The driver is SQLite compiled in through cgo (driver_cgo.go), or in a
// build without cgo its translation to Go (driver_purego.go); both open
// the same files with the same settings.
//
// Rules kept here:
//   - Every database is opened in WAL mode with one connection per
//     process and transactions that take the write lock when they begin.
//   - Migrations are files named <version>_<name>.sql, applied in version
//     order, each in its own transaction together with its record.
//   - A database recording a version newer than every migration file is
//     refused (ErrNewerSchema), never written to.
package sqlitedb
