package faults

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/asi-evolve/asi/plugins/plugintest"

	"github.com/asi-evolve/asi/internal/sqlitedb"
)

// binDir holds asi and the task plugins, built once by TestMain.
var binDir string

func TestMain(m *testing.M) {
	os.Exit(plugintest.Main(m, func() error {
		for _, b := range []struct{ name, pkg string }{
			{"asi", "github.com/asi-evolve/asi/cmd/asi"},
			{"asi-task-faulty", "./testdata/faultytask"},
		} {
			if _, err := plugintest.Binary(b.name, b.pkg); err != nil {
				return err
			}
		}
		dir, err := plugintest.Tasks()
		binDir = dir
		return err
	}))
}

func asiBin() string { return filepath.Join(binDir, "asi") }

// campaign writes an HCL campaign of the faulty task into a fresh directory
// and returns the file and its state directory. extra is appended as is.
func campaign(t testing.TB, steps, workers int, taskBlock, extra string) (file, state string) {
	t.Helper()
	dir := t.TempDir()
	file = filepath.Join(dir, "campaign.hcl")
	src := fmt.Sprintf(`
campaign "faults" {
  task    = "faulty"
  workers = %d
  seed    = 1
  budget {
    steps = %d
  }
}

task {
%s
}
%s
`, workers, steps, taskBlock, extra)
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return file, filepath.Join(dir, "state")
}

// asi runs the binary and returns its combined output and exit error.
func asi(t testing.TB, timeout time.Duration, env []string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, asiBin(), args...)
	cmd.Env = append(os.Environ(), "ASI_PLUGIN_DIR="+binDir, "OPENAI_API_KEY=", "OPENAI_BASE_URL=")
	cmd.Env = append(cmd.Env, env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("asi %s did not finish in %s:\n%s", strings.Join(args, " "), timeout, out.String())
	}
	return out.String(), err
}

// checkDatabase opens campaign.db read-only with database/sql, runs
// SQLite's integrity check and the engine's invariants: no step stored
// twice and, for a finished campaign (steps >= 0), steps 0..steps each
// stored and none left running or abandoned. It returns the number of nodes.
func checkDatabase(t testing.TB, state string, steps int) int {
	t.Helper()
	// Read-write, as the next apply would open it: a read-only open of a
	// WAL database fails when its -shm file is missing.
	db, err := sql.Open(sqlitedb.DriverName, filepath.Join(state, "campaign.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var ok string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check = %q, %v", ok, err)
	}
	rows, err := db.Query("SELECT step, COUNT(*) FROM nodes GROUP BY step ORDER BY step")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	want, total := int64(0), 0
	for rows.Next() {
		var step int64
		var n int
		if err := rows.Scan(&step, &n); err != nil {
			t.Fatal(err)
		}
		if steps >= 0 && step != want {
			t.Fatalf("step %d has no node", want)
		}
		if n != 1 {
			t.Fatalf("step %d stored %d times", step, n)
		}
		want++
		total += n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if steps < 0 {
		return total
	}
	if total != steps+1 {
		t.Fatalf("%d nodes, want %d (steps 0..%d)", total, steps+1, steps)
	}
	var running int
	if err := db.QueryRow("SELECT COUNT(*) FROM steps WHERE status != 'done'").Scan(&running); err != nil {
		t.Fatal(err)
	}
	if running != 0 {
		t.Fatalf("%d steps not done (running or abandoned)", running)
	}
	return total
}
