package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestFetchDebianSource runs scripts/fetch-debian-source.sh, which the
// CPython build uses for its source tarballs, against stand-in apt-cache
// and apt-get commands: a listed version whose files the mirror answers
// 404 for must not stop the build while another version serves the same
// tarball, and a failure names every version tried.
func TestFetchDebianSource(t *testing.T) {
	script, err := filepath.Abs(filepath.Join("..", "scripts", "fetch-debian-source.sh"))
	if err != nil {
		t.Fatal(err)
	}
	const tarball = "zlib_1.2.13.dfsg.orig.tar.bz2"
	good := "pristine zlib tarball\n"
	sum := sha256.Sum256([]byte(good))
	goodSHA := hex.EncodeToString(sum[:])

	tests := []struct {
		name     string
		listed   []string          // versions apt-cache showsrc lists, in its order
		serves   map[string]string // version -> tarball content the mirror serves
		want     string            // "" for success, else a part of stderr
		wantAlso []string          // further parts of stderr
		fetched  string            // the version the script says it took
	}{
		{
			name:    "first listed version answers 404",
			listed:  []string{"1:1.2.13.dfsg-1+deb12u1", "1:1.2.13.dfsg-1"},
			serves:  map[string]string{"1:1.2.13.dfsg-1": good},
			fetched: "1:1.2.13.dfsg-1",
		},
		{
			name:    "next version tried after a 404",
			listed:  []string{"1:1.2.13.dfsg-2", "1:1.2.13.dfsg-1"},
			serves:  map[string]string{"1:1.2.13.dfsg-1": good},
			fetched: "1:1.2.13.dfsg-1",
		},
		{
			name:    "archive release tried before the security update",
			listed:  []string{"1:1.2.13.dfsg-1+deb12u1", "1:1.2.13.dfsg-1"},
			serves:  map[string]string{"1:1.2.13.dfsg-1+deb12u1": good, "1:1.2.13.dfsg-1": good},
			fetched: "1:1.2.13.dfsg-1",
		},
		{
			name:   "every version fails",
			listed: []string{"1:1.2.13.dfsg-1", "1:1.2.13.dfsg-1+deb12u1"},
			serves: map[string]string{},
			want:   "tried 2 version(s)",
			wantAlso: []string{
				"1:1.2.13.dfsg-1 (no " + tarball + ": E: Failed to fetch",
				"1:1.2.13.dfsg-1+deb12u1 (no " + tarball,
				"404  Not Found",
			},
		},
		{
			name:     "tarball with another SHA-256 is refused",
			listed:   []string{"1:1.2.13.dfsg-1"},
			serves:   map[string]string{"1:1.2.13.dfsg-1": "tampered\n"},
			want:     "tried 1 version(s)",
			wantAlso: []string{"want " + goodSHA},
		},
		{
			name:   "no deb-src entries",
			listed: nil,
			want:   "lists no version; run scripts/ci/install-python-wasm.sh",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bin, mirror, dest := t.TempDir(), t.TempDir(), t.TempDir()
			for v, content := range tt.serves {
				if err := os.WriteFile(filepath.Join(mirror, strings.ReplaceAll(v, ":", "_")), []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			showsrc := ""
			for _, v := range tt.listed {
				showsrc += "Package: zlib\nVersion: " + v + "\n\n"
			}
			writeStandIn(t, bin, "apt-cache", "cat <<'LIST'\n"+showsrc+"LIST\n")
			// apt-get source --download-only PKG=VERSION: copies the mirror's
			// file for VERSION into the working directory, or fails as a 404.
			writeStandIn(t, bin, "apt-get", `v=${4#zlib=}
f="`+mirror+`/$(printf '%s' "$v" | tr ':' '_')"
if [ -f "$f" ]; then cp "$f" `+tarball+`; exit 0; fi
echo "Err:1 http://deb.example/debian-security zlib $v (tar)"
echo "  404  Not Found [IP: 192.0.2.1 80]"
echo "E: Failed to fetch http://deb.example/`+tarball+`  404  Not Found"
exit 100
`)
			cmd := exec.Command("bash", script, "zlib", tarball, goodSHA, dest)
			cmd.Env = append(os.Environ(), "PATH="+bin+":/usr/bin:/bin")
			var stdout, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("fetch failed: %v\n%s", err, stderr.String())
				}
				got, err := os.ReadFile(filepath.Join(dest, tarball))
				if err != nil || string(got) != good {
					t.Fatalf("tarball = %q, %v; want the pristine one", got, err)
				}
				if !strings.Contains(stdout.String(), "(version "+tt.fetched+")") {
					t.Errorf("stdout %q does not name version %s", stdout.String(), tt.fetched)
				}
				return
			}
			if err == nil {
				t.Fatalf("fetch succeeded; want an error with %q", tt.want)
			}
			if _, statErr := os.Stat(filepath.Join(dest, tarball)); statErr == nil {
				t.Errorf("a refused tarball was left in %s", dest)
			}
			for _, part := range append([]string{tt.want}, tt.wantAlso...) {
				if !strings.Contains(stderr.String(), part) {
					t.Errorf("stderr does not contain %q:\n%s", part, stderr.String())
				}
			}
		})
	}
}

func writeStandIn(t *testing.T, dir, name, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
}
