package sandbox

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync/atomic"
)

// maxOpenFiles bounds the files a guest may hold open at once, across its
// mounts. wazero keeps a host object per open file and has no limit of its
// own, so without this a guest opening one file in a loop grows the host's
// memory, which the guest's memory limit does not see.
const maxOpenFiles = 1024

// errTooManyOpenFiles is what a guest sees past maxOpenFiles.
var errTooManyOpenFiles = errors.New("too many open files")

// openLimit counts one run's open files.
type openLimit struct{ open atomic.Int64 }

// limitedFS is a read-only view of fsys whose opens count against a run's
// limit.
type limitedFS struct {
	fsys  fs.FS
	limit *openLimit
}

func (l limitedFS) Open(name string) (fs.File, error) {
	if l.limit.open.Add(1) > maxOpenFiles {
		l.limit.open.Add(-1)
		return nil, &fs.PathError{Op: "open", Path: name, Err: errTooManyOpenFiles}
	}
	f, err := l.fsys.Open(name)
	if err != nil {
		l.limit.open.Add(-1)
		return nil, err
	}
	return &limitedFile{File: f, limit: l.limit}, nil
}

// limitedFile gives its slot back on Close. It keeps ReadDir and ReadAt of
// the file it wraps, which wazero uses for directories and pread.
type limitedFile struct {
	fs.File
	limit  *openLimit
	closed atomic.Bool
}

func (f *limitedFile) Close() error {
	if !f.closed.Swap(true) {
		f.limit.open.Add(-1)
	}
	return f.File.Close()
}

func (f *limitedFile) ReadDir(n int) ([]fs.DirEntry, error) {
	d, ok := f.File.(fs.ReadDirFile)
	if !ok {
		return nil, &fs.PathError{Op: "readdir", Err: errors.New("not a directory")}
	}
	return d.ReadDir(n)
}

func (f *limitedFile) ReadAt(p []byte, off int64) (int, error) {
	r, ok := f.File.(interface {
		ReadAt([]byte, int64) (int, error)
	})
	if !ok {
		return 0, errors.ErrUnsupported
	}
	return r.ReadAt(p, off)
}

func (f *limitedFile) Seek(offset int64, whence int) (int64, error) {
	s, ok := f.File.(interface {
		Seek(int64, int) (int64, error)
	})
	if !ok {
		return 0, errors.ErrUnsupported
	}
	return s.Seek(offset, whence)
}

// openMounts turns mounts into the file systems of one run. A host
// directory is opened with os.OpenRoot, so a symbolic link inside it cannot
// lead the guest out of it. The returned close function releases them.
func openMounts(mounts []Mount, limit *openLimit) (map[string]fs.FS, func(), error) {
	var roots []*os.Root
	closeAll := func() {
		for _, r := range roots {
			_ = r.Close()
		}
	}
	out := make(map[string]fs.FS, len(mounts))
	for _, m := range mounts {
		fsys := m.FS
		if fsys == nil {
			root, err := os.OpenRoot(m.HostDir)
			if err != nil {
				closeAll()
				return nil, nil, fmt.Errorf("sandbox: mount %s at %s: %w", m.HostDir, m.GuestDir, err)
			}
			roots = append(roots, root)
			fsys = root.FS()
		}
		out[m.GuestDir] = limitedFS{fsys: fsys, limit: limit}
	}
	return out, closeAll, nil
}
