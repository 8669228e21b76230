package cognition

import (
	"context"
	"database/sql"
	"embed"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/asi-evolve/asi/internal/sqlitedb"
)

// DBFile is the campaign database the cognition tables live in.
const DBFile = "campaign.db"

//go:embed migrations/*.sql
var migrations embed.FS

// DB is the cognition tables of a campaign database: the embedded store's
// items, the queue of pending write-backs and the embedding cache. It opens
// its own connection to the file, so it works beside the campaign store. It
// is safe for concurrent use.
type DB struct {
	db *sql.DB
}

// OpenDB opens (creating if needed) dir/campaign.db and brings the
// cognition tables up to date.
func OpenDB(ctx context.Context, dir string) (*DB, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("open cognition db: %w", err)
	}
	db, err := sqlitedb.Open(filepath.Join(dir, DBFile), false)
	if err != nil {
		return nil, fmt.Errorf("open cognition db: %w", err)
	}
	if _, err := sqlitedb.Migrate(ctx, db, "cognition_migrations", migrations, "migrations"); err != nil {
		db.Close()
		return nil, fmt.Errorf("open cognition db %s: %w", dir, err)
	}
	return &DB{db: db}, nil
}

// Close closes the connection.
func (d *DB) Close() error { return d.db.Close() }

func (d *DB) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	return sqlitedb.InTx(ctx, d.db, fn)
}

func (d *DB) meta(ctx context.Context, key string) (string, bool, error) {
	var v string
	err := d.db.QueryRowContext(ctx, `SELECT value FROM cognition_meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return v, err == nil, err
}

func (d *DB) setMeta(ctx context.Context, key, value string) error {
	_, err := d.db.ExecContext(ctx, `INSERT INTO cognition_meta (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// enqueue stores a write-back that could not be applied.
func (d *DB) enqueue(ctx context.Context, it Item) error {
	b, err := json.Marshal(it)
	if err != nil {
		return err
	}
	_, err = d.db.ExecContext(context.WithoutCancel(ctx), `INSERT INTO cognition_pending (item, created_at) VALUES (?, ?)`,
		string(b), time.Now().UTC().Format(time.RFC3339Nano))
	if err != nil {
		return fmt.Errorf("queue cognition write-back: %w", err)
	}
	return nil
}

type pending struct {
	id   int64
	item Item
}

func (d *DB) pending(ctx context.Context) ([]pending, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT id, item FROM cognition_pending ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("read cognition queue: %w", err)
	}
	defer rows.Close()
	var out []pending
	for rows.Next() {
		var p pending
		var raw string
		if err := rows.Scan(&p.id, &raw); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(raw), &p.item); err != nil {
			return nil, fmt.Errorf("cognition queue entry %d: %w", p.id, err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (d *DB) dequeue(ctx context.Context, id int64) error {
	_, err := d.db.ExecContext(context.WithoutCancel(ctx), `DELETE FROM cognition_pending WHERE id = ?`, id)
	return err
}

// Pending counts the queued write-backs.
func (d *DB) Pending(ctx context.Context) (int, error) {
	var n int
	err := d.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM cognition_pending`).Scan(&n)
	return n, err
}

func (d *DB) cachedVector(ctx context.Context, model, sum string) ([]float32, bool) {
	var b []byte
	if err := d.db.QueryRowContext(ctx, `SELECT vector FROM cognition_embeddings WHERE model = ? AND sha256 = ?`, model, sum).Scan(&b); err != nil {
		return nil, false
	}
	return decodeVector(b), true
}

func (d *DB) cacheVector(ctx context.Context, model, sum string, v []float32) error {
	_, err := d.db.ExecContext(ctx, `INSERT OR REPLACE INTO cognition_embeddings (model, sha256, vector) VALUES (?, ?, ?)`,
		model, sum, encodeVector(v))
	return err
}

func encodeVector(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}

func decodeVector(b []byte) []float32 {
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v
}
