package executor

import (
	"testing"
	"time"

	"github.com/asi-evolve/asi/internal/slurmtest"
)

func TestMain(m *testing.M) { slurmtest.Main(m) }

// slurmCluster is the test cluster, started on first use.
func slurmCluster(t *testing.T) *slurmtest.Cluster { return slurmtest.Start(t) }

// testSlurm is a Slurm executor on the test cluster writing to shared.
func testSlurm(t *testing.T, c *slurmtest.Cluster, shared string) *Slurm {
	t.Helper()
	s, err := NewSlurm(SlurmConfig{SharedDir: shared, Partition: "debug", Poll: 500 * time.Millisecond, Env: c.Env})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
