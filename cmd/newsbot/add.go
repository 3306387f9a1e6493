package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/newsbot/newsbot/ingest"
)

// runAdd adds stories by URL or file: one line per story added; an
// argument that could not be added is named on stderr with why, and the
// exit status is then 1.
func runAdd(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("add", flag.ContinueOnError)
	sc, err := loadStoreConfig(e.getenv, fs)
	if err != nil {
		return err
	}
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usageError{"usage: newsbot add [--data DIR] URL|FILE..."}
	}
	store, err := sc.store()
	if err != nil {
		return err
	}
	store.Retired = retiredTo(e.stderr, sc.MaxStories)
	failed := 0
	for _, arg := range pos {
		start := time.Now()
		st, err := addOne(ctx, store, arg)
		if err != nil {
			failed++
			if msg := err.Error(); strings.Contains(msg, filepath.Base(arg)) {
				fmt.Fprintf(e.stderr, "newsbot: add: %s\n", msg)
			} else {
				fmt.Fprintf(e.stderr, "newsbot: add %s: %s\n", arg, msg)
			}
			if ctx.Err() != nil {
				break
			}
			continue
		}
		fmt.Fprintf(e.stdout, "added %s: %q%s, %s, in %.1fs\n", st.Slug, st.Title, storyOrigin(st),
			chunks(chunkCount(st.Path)), time.Since(start).Seconds())
	}
	if failed > 0 {
		return silentError{1}
	}
	return nil
}

// addOne adds a URL (http or https) or a file.
func addOne(ctx context.Context, store *ingest.Store, arg string) (ingest.Story, error) {
	if strings.HasPrefix(arg, "http://") || strings.HasPrefix(arg, "https://") {
		return store.AddURL(ctx, arg)
	}
	if strings.Contains(arg, "://") {
		return ingest.Story{}, fmt.Errorf("only http and https URLs are fetched")
	}
	st, err := os.Stat(arg)
	if err != nil {
		return ingest.Story{}, err
	}
	if st.IsDir() {
		return ingest.Story{}, fmt.Errorf("a directory; name the files")
	}
	if st.Size() > ingest.MaxUploadBytes {
		return ingest.Story{}, fmt.Errorf("%d bytes, over the %d-byte limit", st.Size(), ingest.MaxUploadBytes)
	}
	b, err := os.ReadFile(arg)
	if err != nil {
		return ingest.Story{}, err
	}
	return store.AddFile(filepath.Base(arg), b)
}

// storyOrigin is " (source, date)" for a line about a story.
func storyOrigin(st ingest.Story) string {
	var parts []string
	for _, p := range []string{st.Source, st.Published} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// chunks is "1 chunk" or "N chunks".
func chunks(n int) string {
	if n == 1 {
		return "1 chunk"
	}
	return fmt.Sprintf("%d chunks", n)
}
