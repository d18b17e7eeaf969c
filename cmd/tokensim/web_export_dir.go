package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
)

// The directory tokensim web --export writes (web_export.go): which one
// may be replaced, and how.

// checkTarget refuses a dir that would not be safe to replace whole: a
// symbolic link, a file, the working directory or one holding it, or a
// non-empty directory that is not a previous export. A previous export
// holds exportMarker and nothing but exportFiles beside it, as regular
// files: names alone would take someone's hand-written site (an
// index.html and a style.css) for an export, and delete it.
func checkTarget(dir, wd string) error {
	fi, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	// A link is refused rather than followed: the export replaces DIR
	// by rename, which would put a directory in the link's place and
	// leave the one it points to stale; following it would replace a
	// directory the user did not name. The user can name it.
	if fi.Mode()&fs.ModeSymlink != 0 {
		real, err := filepath.EvalSymlinks(dir)
		if err != nil {
			real = "(" + err.Error() + ")"
		}
		return fmt.Errorf("%s is a symbolic link to %s: the export replaces a directory whole; give the directory itself", dir, real)
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is a file, not a directory", dir)
	}
	// Refused, not handled: replacing the working directory (or one
	// above it) renames it away under the shell that ran tokensim.
	if same(dir, wd) || within(wd, dir) {
		return fmt.Errorf("%s is the working directory or holds it, which the export would replace: run it from elsewhere or choose another directory", dir)
	}
	ents, err := os.ReadDir(dir)
	if err != nil || len(ents) == 0 {
		return err
	}
	if _, err := os.Lstat(filepath.Join(dir, exportMarker)); err != nil {
		return fmt.Errorf("%s %w: it holds %q and no %s, the file every export writes; choose another directory", dir, errNotExport, ents[0].Name(), exportMarker)
	}
	for _, ent := range ents {
		if !ent.Type().IsRegular() || (ent.Name() != exportMarker && !slices.Contains(exportFiles, ent.Name())) {
			return fmt.Errorf("%s %w: beside its %s it holds %q, which an export does not write; choose another directory", dir, errNotExport, exportMarker, ent.Name())
		}
	}
	return nil
}

// same says whether a and b are one directory (os.SameFile: through
// links, bind mounts and case-insensitive names).
func same(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}

// within says whether path is inside dir, both made absolute with links
// resolved.
func within(path, dir string) bool {
	p, errP := filepath.EvalSymlinks(path)
	d, errD := filepath.EvalSymlinks(dir)
	if errP != nil || errD != nil {
		return false
	}
	rel, err := filepath.Rel(d, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// markerText is exportMarker's content: what the directory is, and
// which tokensim wrote it (the commit when the binary records one).
func markerText() string {
	v := "tokensim " + version
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, st := range bi.Settings {
			if st.Key == "vcs.revision" {
				v += ", commit " + st.Value
			}
		}
	}
	return "Written by tokensim web --export (" + v + "); a later export replaces this directory whole, and only a directory holding this file.\n"
}

// replaceDir puts directory tmp in target's place, target's previous
// contents removed; on failure target is as it was.
func replaceDir(tmp, target string) error {
	parent, base := filepath.Dir(target), filepath.Base(target)
	if _, err := os.Stat(target); errors.Is(err, fs.ErrNotExist) {
		return os.Rename(tmp, target)
	}
	old := filepath.Join(parent, fmt.Sprintf(".%s.old-%d", base, os.Getpid()))
	if err := os.Rename(target, old); err != nil {
		return err
	}
	if err := os.Rename(tmp, target); err != nil {
		if back := os.Rename(old, target); back != nil {
			return fmt.Errorf("%w; the previous export is at %s (%v)", err, old, back)
		}
		return err
	}
	return os.RemoveAll(old)
}
