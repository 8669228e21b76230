// Package slurmtest starts a real one-node Slurm cluster on loopback for
// tests: munged, slurmctld and slurmd with their own configuration and
// state in a temporary directory, shared by every test of one test binary
// and stopped by PID when it ends (call Main from TestMain).
//
// It needs Slurm and munge (scripts/ci/install-slurm.sh) and root; without
// them a test skips, or fails under CI (internal/testenv).
package slurmtest
