package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/newsbot/newsbot/answer"
	"github.com/newsbot/newsbot/retrieval"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

func runIndex(ctx context.Context, e *env, args []string) error {
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("index", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	fs.BoolVar(&cfg.Strict, "strict", false, "fail on a corpus file that cannot be read as an article")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{"index takes no arguments"}
	}
	var progress func(done, total int)
	if isTerminal(e.stderr) {
		progress = progressBar(e.stderr)
	}
	// Writing the cache is index's whole point: fail before embedding
	// anything when it cannot be written, and after when it was not.
	if err := probeCacheDir(cfg.IndexDir); err != nil {
		return err
	}
	start := time.Now()
	_, st, err := newEngine(ctx, cfg, cliLogger(e.stderr), progress)
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("index interrupted after embedding %d of %d chunks (%d were cached); they are saved: run newsbot index again to resume", st.Embedded, st.Chunks-st.Reused, st.Reused)
		}
		return err
	}
	if err := checkCacheSaved(cfg.IndexDir, st, start); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "indexed %d documents, %d chunks: %d embedded now, %d reused from cache, in %.2fs\n",
		st.Documents, st.Chunks, st.Embedded, st.Reused, time.Since(start).Seconds())
	return nil
}

// progressBar returns a Build progress callback drawing a bar with a count,
// a rate and an estimate of the time left on w. The bar counts only the
// chunks to embed: those the cache already holds would make the rate, and
// so the estimate, meaningless.
func progressBar(w io.Writer) func(done, total int) {
	var (
		bar    *progressbar.ProgressBar
		cached int
	)
	return func(done, total int) {
		if bar == nil {
			cached = done
			if cached == total {
				return // nothing to embed
			}
			bar = progressbar.NewOptions(total-cached, progressbar.OptionSetWriter(w),
				progressbar.OptionSetDescription(fmt.Sprintf("embedding (%d of %d chunks cached)", cached, total)),
				progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString("chunks"),
				progressbar.OptionSetPredictTime(true), progressbar.OptionSetElapsedTime(true),
				progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
		}
		bar.Set(done - cached)
	}
}

// isTerminal reports whether w is a terminal (for progress bars and log
// format).
func isTerminal(w any) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}

// probeCacheDir creates dir if needed and checks that a file can be
// created in it.
func probeCacheDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot create the index directory: %w", err)
	}
	f, err := os.CreateTemp(dir, ".newsbot-probe-*")
	if err != nil {
		return fmt.Errorf("cannot write in the index directory: %w", err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// checkCacheSaved reports an error when the build embedded chunks but the
// cache file in dir was not written since start (the engine only logs a
// failed save, which costs a server nothing but the next start).
func checkCacheSaved(dir string, st answer.ReloadStats, start time.Time) error {
	if st.Embedded == 0 {
		return nil // nothing new: the cache on disk already holds every vector
	}
	path := filepath.Join(dir, retrieval.CacheFile)
	fi, err := os.Stat(path)
	if err != nil || fi.ModTime().Before(start.Add(-time.Second)) { // -1 s: coarse file system clocks
		return fmt.Errorf("the embedding cache %s was not saved (see the warning above)", path)
	}
	return nil
}
