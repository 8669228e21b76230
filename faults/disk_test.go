package faults

import (
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/asi-evolve/asi/internal/sqlitedb"
	"github.com/asi-evolve/asi/internal/testenv"
)

// TestDiskFull runs a campaign in a 2 MiB tmpfs whose nodes carry large
// programs, so the disk fills mid-campaign. apply must fail with an error
// that says the disk is full, and the database must still open and pass its
// integrity check. It needs root to mount the tmpfs.
func TestDiskFull(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real campaign")
	}
	if os.Geteuid() != 0 {
		testenv.Skipf(t, "needs root to mount a tmpfs")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mnt).CombinedOutput(); err != nil {
		testenv.Skipf(t, "cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", mnt).Run() })

	file, _ := campaign(t, 100000, 1, "pad_kib = 64", "")
	state := filepath.Join(mnt, "state")
	out, err := asi(t, 3*time.Minute, nil, "apply", "-state", state, file)
	if err == nil {
		t.Fatalf("apply succeeded on a full disk:\n%s", out)
	}
	if !strings.Contains(strings.ToLower(out), "full") && !strings.Contains(out, "no space") {
		t.Errorf("apply's error does not say the disk is full:\n%s", out)
	}
	db, err := sql.Open(sqlitedb.DriverName, filepath.Join(state, "campaign.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var ok string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("after the disk filled: integrity_check = %q, %v", ok, err)
	}
	var nodes int
	if err := db.QueryRow("SELECT COUNT(*) FROM nodes").Scan(&nodes); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d nodes stored before the disk filled; apply said:\n%s", nodes, lastLines(out, 4))
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
