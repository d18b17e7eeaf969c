package progress

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Version is the progress file's format version. A file of a later
// version is kept as it is (renamed aside) and never rewritten by this
// one, which could lose what a newer tokensim wrote in it.
const Version = 1

// fileFormat is the progress file: a version, then one record per lesson
// id.
type fileFormat struct {
	Version int               `json:"version"`
	Lessons map[string]Record `json:"lessons"`
}

// ErrClosed is Save's error after Close.
var ErrClosed = errors.New("progress file closed")

// File is a Store kept in a JSON file. Save changes the records at once
// and hands the write to a goroutine of the File, which writes the latest
// records atomically (a temporary file in the same directory, fsync,
// rename): the player never waits on a disk, saves that come faster than
// the disk coalesce, and a crash leaves the old file or the new one,
// never half of one. Close writes what is pending and stops it.
type File struct {
	path string

	mu      sync.Mutex
	lessons map[string]Record
	gen     uint64 // bumped by every change
	written uint64 // the gen last written
	memOnly bool   // never write: the file could not be read, nor kept aside
	closed  bool
	err     error // the first failed write, until Save reports it
	failed  bool  // a write failed: report it once only

	writeMu sync.Mutex // one write at a time (the writer, Flush, Reset)
	kick    chan struct{}
	done    chan struct{}
}

// Open reads the progress file at path and starts its writer. It always
// returns a usable File. Its error is a warning, one line for the
// learner, and the progress is then empty: a file that cannot be read, is
// not valid JSON or is of a later version is renamed aside to
// path.bad-<UTC time> (never overwritten); if even that fails, this File
// keeps progress in memory only and leaves the file alone. A directory
// that cannot be created is reported the same way.
func Open(path string) (*File, error) {
	f := &File{path: path, lessons: map[string]Record{}, kick: make(chan struct{}, 1), done: make(chan struct{})}
	warn := f.read()
	if warn == nil {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			f.memOnly = true
			warn = fmt.Errorf("progress will not be saved: %w", err)
		}
	}
	go f.writer()
	return f, warn
}

// read loads the file, or sets it aside with the reason.
func (f *File) read() error {
	data, err := os.ReadFile(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	var why string
	if err != nil {
		why = fmt.Sprintf("cannot read it (%v)", err)
	} else {
		var ff fileFormat
		dec := json.NewDecoder(bytes.NewReader(data))
		switch err := dec.Decode(&ff); {
		case err != nil:
			why = fmt.Sprintf("it is not a progress file (%v)", err)
		case ff.Version > Version:
			why = fmt.Sprintf("it is of version %d, newer than this tokensim's %d", ff.Version, Version)
		case ff.Version < 1:
			why = "it has no version"
		default:
			for id, r := range ff.Lessons {
				f.lessons[id] = r
			}
			return nil
		}
	}
	bad := f.path + ".bad-" + time.Now().UTC().Format("20060102T150405Z")
	if _, err := os.Lstat(bad); err == nil {
		bad += fmt.Sprintf("-%d", time.Now().UnixNano())
	}
	if err := os.Rename(f.path, bad); err != nil {
		f.memOnly = true
		return fmt.Errorf("progress file %s: %s; left as it is (%v), progress will not be saved this time", f.path, why, err)
	}
	return fmt.Errorf("progress file %s: %s; kept as %s, starting with empty progress", f.path, why, bad)
}

// Path is the file's path.
func (f *File) Path() string { return f.path }

// Load returns the record of lesson id.
func (f *File) Load(id string) (Record, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.lessons[id]
	return r.clone(), ok
}

// All returns every record, by lesson id.
func (f *File) All() map[string]Record {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[string]Record, len(f.lessons))
	for id, r := range f.lessons {
		out[id] = r.clone()
	}
	return out
}

// Save replaces the record of lesson id and asks the writer to write. It
// returns at once; its error is an earlier write's failure, reported once.
func (f *File) Save(id string, r Record) error {
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return ErrClosed
	}
	f.lessons[id] = r.clone()
	f.gen++
	var err error
	if f.err != nil {
		err, f.err = f.err, nil
	}
	f.mu.Unlock()
	select {
	case f.kick <- struct{}{}:
	default: // a write is already asked for: it will write this too
	}
	return err
}

// writer writes whenever kicked, until Close.
func (f *File) writer() {
	defer close(f.done)
	for range f.kick {
		_ = f.Flush()
	}
}

// Flush writes the records now if they changed since the last write.
func (f *File) Flush() error {
	f.writeMu.Lock()
	defer f.writeMu.Unlock()
	f.mu.Lock()
	if f.memOnly || f.gen == f.written {
		f.mu.Unlock()
		return nil
	}
	gen := f.gen
	data, err := json.MarshalIndent(fileFormat{Version: Version, Lessons: f.lessons}, "", "  ")
	f.mu.Unlock()
	if err == nil {
		err = writeAtomic(f.path, append(data, '\n'))
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err != nil {
		if !f.failed {
			f.failed, f.err = true, fmt.Errorf("progress not saved: %w", err)
		}
		return err
	}
	f.written = max(f.written, gen)
	return nil
}

// Reset forgets every record and writes the empty file at once. It
// returns how many lessons it forgot.
func (f *File) Reset() (int, error) {
	f.mu.Lock()
	n := len(f.lessons)
	f.lessons = map[string]Record{}
	f.gen++
	f.mu.Unlock()
	return n, f.Flush()
}

// Close writes what is pending and stops the writer. Its error is the
// last write's.
func (f *File) Close() error {
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return nil
	}
	f.closed = true
	f.mu.Unlock()
	close(f.kick)
	<-f.done
	return f.Flush()
}

// writeAtomic replaces path with data: a temporary file in the same
// directory (a rename is atomic only within one file system), synced to
// disk before the rename so that a crash cannot leave the new name on
// unwritten data, then the directory synced so the rename itself lasts.
// POSIX rename(2): "a link named new shall remain visible to other
// processes throughout the renaming operation and refer either to the
// file referred to by new or old".
func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename, there is nothing to remove
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // best effort: not every system syncs a directory
		d.Close()
	}
	return nil
}
