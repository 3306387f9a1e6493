package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// watchDebounce is how long the data directory must stay quiet before a
// change triggers a reload. An `add` writes the story file and then the feed
// state or the cache; half a second joins those writes into one reload
// while keeping the 5-second convergence of several processes well in reach.
const watchDebounce = 500 * time.Millisecond

// storyFile reports whether a change to name can change the corpus: a story
// file, not a temporary file of an atomic write, a hidden file or a state
// file of another kind.
func storyFile(name string) bool {
	base := filepath.Base(name)
	if strings.HasPrefix(base, ".") || strings.HasPrefix(base, "~") || strings.HasSuffix(base, "~") {
		return false
	}
	switch strings.ToLower(filepath.Ext(base)) {
	case ".md", ".markdown", ".txt", ".html", ".htm":
		return true
	}
	return false
}

// watchCorpus calls reload after story files in dir change (created,
// written, renamed into place or removed), once per burst of changes, until
// ctx ends. Several processes that share one data directory (a volume)
// converge this way without a restart or a message bus. It returns an error
// only when the directory cannot be watched; the caller then relies on
// /reload and SIGHUP. Watch errors after the start are logged.
//
// fsnotify does not report changes made on another host through a network
// file system; the README says so.
func watchCorpus(ctx context.Context, dir string, logger *slog.Logger, reload func(ctx context.Context)) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	if err := w.Add(dir); err != nil {
		w.Close()
		return err
	}
	go func() {
		defer w.Close()
		timer := time.NewTimer(time.Hour)
		timer.Stop()
		var pending []string
		for {
			select {
			case <-ctx.Done():
				timer.Stop()
				return
			case ev, ok := <-w.Events:
				if !ok {
					return
				}
				if !storyFile(ev.Name) || ev.Op == fsnotify.Chmod {
					continue
				}
				if len(pending) < 10 {
					pending = append(pending, filepath.Base(ev.Name))
				}
				timer.Reset(watchDebounce)
			case err, ok := <-w.Errors:
				if !ok {
					return
				}
				logger.Warn("watching the data directory", "dir", dir, "err", err)
			case <-timer.C:
				logger.Info("data directory changed: reloading the corpus", "dir", dir, "files", pending)
				pending = pending[:0]
				reload(ctx)
			}
		}
	}()
	return nil
}
